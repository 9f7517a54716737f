package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persisted state of a pile, rebuilt from its events. Immutable: every event yields a new state.
 * Live-only facts (the socket, last seen, latest meter values) live in the entity, not here.
 */
public record PileState(String pileId, String chargerNumber, String identity, BootInfo boot,
                        Map<Integer, Connector> connectors, Map<Integer, ChargingSession> sessions,
                        List<ChargingSession> endedSessions, Map<Integer, Long> lastRegisterWh, List<Alert> alerts,
                        List<PileEvent.UnknownStopRecorded> unknownStops, String firmwareStatus,
                        String diagnosticsStatus, Map<String, CommandResult> openCommands,
                        List<CommandResult> recentCommands, ChargerRecord record) implements CborSerializable {

    static final int KEEP_ENDED = 20;
    static final int KEEP_ALERTS = 50;
    static final int KEEP_UNKNOWN_STOPS = 20;
    static final int KEEP_COMMANDS = 20;

    public record BootInfo(String vendor, String model, String serialNumber, String firmwareVersion, Instant at) {
    }

    public record Connector(int connectorId, String status, String errorCode, String info, String vendorErrorCode,
                            Instant chargerTimestamp, Instant receivedAt) {
    }

    public record Alert(String kind, String detail, Integer transactionId, Instant at) {
    }

    /** Whether an alert of {@code kind} was raised at or after {@code since} (among the alerts kept). */
    public boolean alertedSince(String kind, Instant since) {
        return alerts.stream().anyMatch(a -> a.kind().equals(kind) && !a.at().isBefore(since));
    }

    public static PileState empty() {
        return new PileState(null, null, null, null, Map.of(), Map.of(), List.of(), Map.of(), List.of(), List.of(),
                null, null, Map.of(), List.of(), ChargerRecord.NONE);
    }

    public boolean exists() {
        return pileId != null;
    }

    public ChargingSession openSessionOn(int connectorId) {
        return sessions.values().stream().filter(s -> s.connectorId() == connectorId).findFirst().orElse(null);
    }

    /** A session (open or recently ended) started by exactly this StartTransaction. */
    public ChargingSession sameStart(int connector, String idTag, long meterStart, Instant timestamp) {
        for (ChargingSession s : sessions.values()) {
            if (s.isSameStart(connector, idTag, meterStart, timestamp)) {
                return s;
            }
        }
        for (ChargingSession s : endedSessions) {
            if (s.isSameStart(connector, idTag, meterStart, timestamp)) {
                return s;
            }
        }
        return null;
    }

    public ChargingSession endedSession(int transactionId) {
        return endedSessions.stream().filter(s -> s.transactionId() == transactionId).findFirst().orElse(null);
    }

    public boolean unknownStopRecorded(int transactionId) {
        return unknownStops.stream().anyMatch(u -> u.transactionId() == transactionId);
    }

    public PileState apply(PileEvent event) {
        if (event instanceof PileEvent.PileCreated e) {
            return with(e.pileId(), e.chargerNumber(), identity, boot);
        } else if (event instanceof PileEvent.DeviceAttached e) {
            return with(pileId, chargerNumber, e.identity(), boot);
        } else if (event instanceof PileEvent.BootInfoChanged e) {
            return with(pileId, chargerNumber, identity,
                    new BootInfo(e.vendor(), e.model(), e.serialNumber(), e.firmwareVersion(), e.at()));
        } else if (event instanceof PileEvent.ConnectorStatusChanged e) {
            Map<Integer, Connector> c = new TreeMap<>(connectors);
            c.put(e.connectorId(), new Connector(e.connectorId(), e.status(), e.errorCode(), e.info(),
                    e.vendorErrorCode(), e.chargerTimestamp(), e.receivedAt()));
            return new PileState(pileId, chargerNumber, identity, boot, Map.copyOf(c), sessions, endedSessions,
                    lastRegisterWh, alerts, unknownStops, firmwareStatus, diagnosticsStatus, openCommands,
                    recentCommands, record);
        } else if (event instanceof PileEvent.SessionStarted e) {
            Long previous = lastRegisterWh.get(e.connectorId());
            Long suspect = e.meterStart() == 0 && previous != null && previous > 0 ? previous : null;
            ChargingSession s = new ChargingSession(e.transactionId(), e.connectorId(), e.idTag(), e.authorization(),
                    e.meterStart(), e.startedAt(), null, null, null, null, null, null, null, suspect, List.of(), null,
                    e.billedFrom());
            Map<Integer, ChargingSession> m = new LinkedHashMap<>(sessions);
            m.put(e.transactionId(), s);
            return withSessions(m, endedSessions, put(lastRegisterWh, e.connectorId(), e.meterStart()));
        } else if (event instanceof PileEvent.SessionEnergyCheckpoint e) {
            ChargingSession s = sessions.get(e.transactionId());
            if (s == null) {
                return this;
            }
            Map<Integer, ChargingSession> m = new LinkedHashMap<>(sessions);
            m.put(e.transactionId(), s.withBillingReading(e.meterWh(), e.readAt()));
            return withSessions(m, endedSessions, put(lastRegisterWh, s.connectorId(), e.meterWh()));
        } else if (event instanceof PileEvent.SessionEnded e) {
            ChargingSession open = sessions.get(e.transactionId());
            ChargingSession base = open != null ? open : endedSession(e.transactionId());
            if (base == null) {
                return this;
            }
            ChargingSession ended = base.ended(e.meterStop(), e.stoppedAt(), e.reason(), e.energyWh(), e.endedBy());
            if (e.price() != null) {
                ended = ended.priced(e.price());
            }
            Map<Integer, ChargingSession> m = new LinkedHashMap<>(sessions);
            m.remove(e.transactionId());
            List<ChargingSession> done = new ArrayList<>(endedSessions);
            done.removeIf(s -> s.transactionId() == e.transactionId());
            done.add(ended);
            return withSessions(m, last(done, KEEP_ENDED), put(lastRegisterWh, base.connectorId(), e.meterStop()));
        } else if (event instanceof PileEvent.SessionPriced e) {
            ChargingSession ended = endedSession(e.transactionId());
            if (ended == null) {
                return this; // no longer among the sessions kept: the orders keep its price
            }
            List<ChargingSession> done = new ArrayList<>(endedSessions);
            done.replaceAll(x -> x.transactionId() == e.transactionId() ? x.priced(e.price()) : x);
            return withSessions(sessions, done, lastRegisterWh);
        } else if (event instanceof PileEvent.UnknownStopRecorded e) {
            List<PileEvent.UnknownStopRecorded> u = new ArrayList<>(unknownStops);
            u.add(e);
            return new PileState(pileId, chargerNumber, identity, boot, connectors, sessions, endedSessions,
                    lastRegisterWh, alerts, last(u, KEEP_UNKNOWN_STOPS), firmwareStatus, diagnosticsStatus,
                    openCommands, recentCommands, record);
        } else if (event instanceof PileEvent.AlertRaised e) {
            List<Alert> a = new ArrayList<>(alerts);
            a.add(new Alert(e.kind(), e.detail(), e.transactionId(), e.at()));
            return new PileState(pileId, chargerNumber, identity, boot, connectors, sessions, endedSessions,
                    lastRegisterWh, last(a, KEEP_ALERTS), unknownStops, firmwareStatus, diagnosticsStatus,
                    openCommands, recentCommands, record);
        } else if (event instanceof PileEvent.FirmwareStatusChanged e) {
            return new PileState(pileId, chargerNumber, identity, boot, connectors, sessions, endedSessions,
                    lastRegisterWh, alerts, unknownStops, e.status(), diagnosticsStatus, openCommands,
                    recentCommands, record);
        } else if (event instanceof PileEvent.DiagnosticsStatusChanged e) {
            return new PileState(pileId, chargerNumber, identity, boot, connectors, sessions, endedSessions,
                    lastRegisterWh, alerts, unknownStops, firmwareStatus, e.status(), openCommands,
                    recentCommands, record);
        } else if (event instanceof PileEvent.CommandAccepted e) {
            Map<String, CommandResult> m = new LinkedHashMap<>(openCommands);
            m.put(e.commandId(), CommandResult.accepted(e.commandId(), e.action(), e.operation(), e.at(), e.sentAt(),
                    e.expiresAt(), e.batchId()));
            return withCommands(m, recentCommands);
        } else if (event instanceof PileEvent.CommandSent e) {
            return withOpen(e.commandId(), c -> c.sent(e.at()));
        } else if (event instanceof PileEvent.CommandRequeued e) {
            return withOpen(e.commandId(), c -> c.requeued(e.reason()));
        } else if (event instanceof PileEvent.CommandAnswered e) {
            return withOpen(e.commandId(), c -> c.answered(e.answer(), e.responseJson(), e.at()));
        } else if (event instanceof PileEvent.CommandCompleted e) {
            CommandResult open = openCommands.get(e.commandId());
            if (open == null) {
                return this;
            }
            Map<String, CommandResult> m = new LinkedHashMap<>(openCommands);
            m.remove(e.commandId());
            List<CommandResult> recent = new ArrayList<>(recentCommands);
            String status = e.status() != null ? e.status()
                    : CommandResult.ANSWERED.equals(e.outcome()) ? CommandResult.STATUS_ANSWERED : CommandResult.STATUS_FAILED;
            recent.add(open.completed(e.outcome(), status, e.answer(), e.responseJson(), e.reason(), e.confirmation(),
                    e.at()));
            return withCommands(m, last(recent, KEEP_COMMANDS));
        }
        if (event instanceof PileEvent.ChargerDraftSaved || event instanceof PileEvent.ChargerChangeSubmitted
                || event instanceof PileEvent.ChargerChangeApplied || event instanceof PileEvent.ChargerChangeRejected
                || event instanceof PileEvent.StationLinked) {
            ChargerRecord r = record.apply(event);
            String number = r.live() != null ? r.live().chargerNumber() : chargerNumber;
            // an applied change binds the device it names, or unbinds it when it names none (a swap keeps the
            // charger's history; the old device is out)
            String device = event instanceof PileEvent.ChargerChangeApplied a ? a.after().deviceIdentity() : identity;
            return new PileState(pileId, number, device, boot, connectors, sessions, endedSessions, lastRegisterWh,
                    alerts, unknownStops, firmwareStatus, diagnosticsStatus, openCommands, recentCommands, r);
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    private PileState with(String id, String number, String ident, BootInfo b) {
        return new PileState(id, number, ident, b, connectors, sessions, endedSessions, lastRegisterWh, alerts,
                unknownStops, firmwareStatus, diagnosticsStatus, openCommands, recentCommands, record);
    }

    private PileState withSessions(Map<Integer, ChargingSession> open, List<ChargingSession> ended,
                                   Map<Integer, Long> registers) {
        return new PileState(pileId, chargerNumber, identity, boot, connectors, Map.copyOf(open), List.copyOf(ended),
                registers, alerts, unknownStops, firmwareStatus, diagnosticsStatus, openCommands, recentCommands, record);
    }

    /** The command this pile has for batch {@code batchId}, open or recent; null if none. */
    public CommandResult commandOfBatch(String batchId) {
        for (CommandResult c : openCommands.values()) {
            if (batchId.equals(c.batchId())) {
                return c;
            }
        }
        for (CommandResult c : recentCommands) {
            if (batchId.equals(c.batchId())) {
                return c;
            }
        }
        return null;
    }

    /** A command by id, open or recent; null if none. */
    public CommandResult command(String commandId) {
        CommandResult open = openCommands.get(commandId);
        if (open != null) {
            return open;
        }
        for (int i = recentCommands.size() - 1; i >= 0; i--) {
            if (recentCommands.get(i).commandId().equals(commandId)) {
                return recentCommands.get(i);
            }
        }
        return null;
    }

    private PileState withOpen(String commandId, java.util.function.UnaryOperator<CommandResult> change) {
        CommandResult open = openCommands.get(commandId);
        if (open == null) {
            return this;
        }
        Map<String, CommandResult> m = new LinkedHashMap<>(openCommands);
        m.put(commandId, change.apply(open));
        return withCommands(m, recentCommands);
    }

    private PileState withCommands(Map<String, CommandResult> open, List<CommandResult> recent) {
        return new PileState(pileId, chargerNumber, identity, boot, connectors, sessions, endedSessions,
                lastRegisterWh, alerts, unknownStops, firmwareStatus, diagnosticsStatus,
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(open)), List.copyOf(recent), record);
    }

    private static <K, V> Map<K, V> put(Map<K, V> m, K k, V v) {
        Map<K, V> copy = new java.util.HashMap<>(m);
        copy.put(k, v);
        return Map.copyOf(copy);
    }

    private static <T> List<T> last(List<T> list, int n) {
        return List.copyOf(list.size() <= n ? list : list.subList(list.size() - n, list.size()));
    }
}
