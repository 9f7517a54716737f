package io.chargeplane.gateway.api.dto;

import io.chargeplane.control.charger.ChargingSession;
import io.chargeplane.control.charger.PileView;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/chargers/{id}/live}: a charger's connection, connectors, sessions, latest readings, alerts and commands. */
public record ChargerLive(String pileId, String chargerNumber, String identity, boolean connected, Instant lastSeen,
                          String remoteAddress, Boot boot, List<Connector> connectors, List<Session> activeSessions,
                          List<Session> endedSessions, Map<Integer, List<Reading>> latestMeterValues,
                          List<Alert> alerts, List<UnknownStop> unknownStops, String firmwareStatus,
                          String diagnosticsStatus, List<CommandOutcome> pendingCommands,
                          List<CommandOutcome> recentCommands) {

    public record Boot(String vendor, String model, String serialNumber, String firmwareVersion, Instant at) {
    }

    public record Connector(int connectorId, String status, String errorCode, String info, String vendorErrorCode,
                            Instant chargerTimestamp, Instant receivedAt) {
    }

    /**
     * A charging session, open or ended; energy in Wh. {@code suspectStartRegisterWh}: the register a start reading
     * of 0 came after, from which the energy is counted unless the stop is below it. {@code cost}: the running cost
     * of an open session (up to its live register), the bill of an ended one; absent when no tariff applies.
     */
    public record Session(int transactionId, int connectorId, String idTag, String authorization, long meterStart,
                          Instant startedAt, Long lastMeterWh, Instant lastMeterAt, Long meterStop, Instant stoppedAt,
                          String stopReason, Long energyWh, String endedBy, Long suspectStartRegisterWh,
                          io.chargeplane.control.charger.SessionPrice cost) {
        static Session of(ChargingSession s) {
            return new Session(s.transactionId(), s.connectorId(), s.idTag(), s.authorization(), s.meterStart(),
                    s.startedAt(), s.lastMeterWh(), s.lastMeterAt(), s.meterStop(), s.stoppedAt(), s.stopReason(),
                    s.energyWh(), s.endedBy(), s.suspectStartRegisterWh(), s.price());
        }

        static List<Session> all(Collection<ChargingSession> sessions) {
            return sessions.stream().map(Session::of).toList();
        }
    }

    public record Reading(String measurand, String phase, String unit, String value, Instant sampledAt) {
    }

    public record Alert(String kind, String detail, Integer transactionId, Instant at) {
    }

    /** A session end for a transaction this server never started, kept for operators. */
    public record UnknownStop(int transactionId, long meterStop, Instant stoppedAt, String reason, String idTag,
                              Instant receivedAt) {
    }

    public static ChargerLive of(PileView v) {
        Map<Integer, List<Reading>> readings = new LinkedHashMap<>();
        v.latestMeterValues().forEach((connector, list) -> readings.put(connector, list.stream()
                .map(r -> new Reading(r.measurand(), r.phase(), r.unit(), r.value(), r.sampledAt())).toList()));
        return new ChargerLive(v.pileId(), v.chargerNumber(), v.identity(), v.connected(), v.lastSeen(),
                v.remoteAddress(), v.boot() == null ? null : new Boot(v.boot().vendor(), v.boot().model(),
                        v.boot().serialNumber(), v.boot().firmwareVersion(), v.boot().at()),
                v.connectors().stream().map(c -> new Connector(c.connectorId(), c.status(), c.errorCode(), c.info(),
                        c.vendorErrorCode(), c.chargerTimestamp(), c.receivedAt())).toList(),
                Session.all(v.activeSessions()), Session.all(v.endedSessions()), readings,
                v.alerts().stream().map(a -> new Alert(a.kind(), a.detail(), a.transactionId(), a.at())).toList(),
                v.unknownStops().stream().map(u -> new UnknownStop(u.transactionId(), u.meterStop(), u.stoppedAt(),
                        u.reason(), u.idTag(), u.receivedAt())).toList(),
                v.firmwareStatus(), v.diagnosticsStatus(), CommandOutcome.all(v.pendingCommands()),
                CommandOutcome.all(v.recentCommands()));
    }
}
