package io.chargeplane.control.charger;

import io.chargeplane.control.charger.language.ChargerOperation;

import io.chargeplane.control.CborSerializable;
import java.time.Instant;

/** Facts a Pile entity remembers. Heartbeats, repeated statuses and meter samples are not among them. */
public sealed interface PileEvent extends CborSerializable {

    record PileCreated(String pileId, String chargerNumber, Instant at) implements PileEvent {
    }

    record DeviceAttached(String identity, Instant at) implements PileEvent {
    }

    /** Boot information changed (first boot, or new firmware, serial, vendor or model). */
    record BootInfoChanged(String vendor, String model, String serialNumber, String firmwareVersion, Instant at)
            implements PileEvent {
    }

    /** Connector 0 is the whole charger. {@code chargerTimestamp} may be null; ordering uses {@code receivedAt}. */
    record ConnectorStatusChanged(int connectorId, String status, String errorCode, String info,
                                  String vendorErrorCode, Instant chargerTimestamp, Instant receivedAt)
            implements PileEvent {
    }

    /**
     * {@code billedFrom}: the time the session is priced from: the charger's start time, or the time of receipt when
     * the charger's clock was ahead of it (null in events from before it was recorded: the start time).
     */
    record SessionStarted(int transactionId, int connectorId, String idTag, String authorization, long meterStart,
                          Instant startedAt, Instant receivedAt, Integer reservationId, Instant billedFrom)
            implements PileEvent {
        public SessionStarted(int transactionId, int connectorId, String idTag, String authorization, long meterStart,
                              Instant startedAt, Instant receivedAt, Integer reservationId) {
            this(transactionId, connectorId, idTag, authorization, meterStart, startedAt, receivedAt, reservationId,
                    null);
        }
    }

    /** The latest energy register of an open session, persisted now and then so a crash does not lose it. */
    record SessionEnergyCheckpoint(int transactionId, long meterWh, Instant readAt) implements PileEvent {
    }

    /**
     * A session ended. {@code endedBy}: CHARGER (its StopTransaction), REBOOT or SUPERSEDED (closed by the
     * server from the last known reading). A charger's late StopTransaction for a server-closed session
     * corrects it with the charger's own figures.
     */
    record SessionEnded(int transactionId, long meterStop, Instant stoppedAt, String reason, long energyWh,
                        String endedBy, Instant receivedAt, Order order, SessionPrice price) implements PileEvent {
        public SessionEnded(int transactionId, long meterStop, Instant stoppedAt, String reason, long energyWh,
                            String endedBy, Instant receivedAt) {
            this(transactionId, meterStop, stoppedAt, reason, energyWh, endedBy, receivedAt, null, null);
        }

        public SessionEnded(int transactionId, long meterStop, Instant stoppedAt, String reason, long energyWh,
                            String endedBy, Instant receivedAt, Order order) {
            this(transactionId, meterStop, stoppedAt, reason, energyWh, endedBy, receivedAt, order, null);
        }

        /** The same end with its bill, when the session's tariff was known by then (one write instead of two). */
        public SessionEnded withPrice(SessionPrice p) {
            return new SessionEnded(transactionId, meterStop, stoppedAt, reason, energyWh, endedBy, receivedAt, order,
                    p);
        }
    }

    /**
     * What the charging order of an ended session needs from its start, carried by its end so that an order is one
     * tagged event and one row (null in events from before orders existed).
     */
    record Order(int connectorId, String idTag, long meterStart, Instant startedAt, String stationId)
            implements io.chargeplane.control.CborSerializable {
        public static Order of(ChargingSession s, PileState pile) {
            return new Order(s.connectorId(), s.idTag(), s.meterStart(), s.startedAt(),
                    pile.record().live() != null ? pile.record().live().stationId() : null);
        }
    }

    /**
     * An ended session's cost, with the tariff version in force when it started. A second one for the same session
     * (its figures corrected by a late stop, or an operator's re-rating) supersedes the first: nothing is edited.
     */
    record SessionPriced(int transactionId, SessionPrice price, String cause, Instant at) implements PileEvent {
    }

    /** A StopTransaction for a transaction this server never started: answered normally, kept for operators. */
    record UnknownStopRecorded(int transactionId, long meterStop, Instant stoppedAt, String reason, String idTag,
                               Instant receivedAt) implements PileEvent {
    }

    /** Something operators should look at: tolerated schema violations, clock skew, zero start reading, ... */
    record AlertRaised(String kind, String detail, Integer transactionId, Instant at) implements PileEvent {
    }

    record FirmwareStatusChanged(String status, Instant at) implements PileEvent {
    }

    record DiagnosticsStatusChanged(String status, Instant at) implements PileEvent {
    }

    /**
     * {@code origin}: the operator who sent it (null in events from before sign-in existed). {@code operation}: what
     * to send (null in events from before it was journaled: such a command is never sent again); {@code sentAt}: set
     * when the call went out at once (the charger was there and free); {@code expiresAt}: how long a queued command
     * waits for the charger; {@code batchId}: the batch it belongs to (null: a command of its own).
     */
    record CommandAccepted(String commandId, String action, String payloadJson, Instant at,
                           io.chargeplane.control.Origin origin, ChargerOperation operation, Instant sentAt,
                           Instant expiresAt, String batchId) implements PileEvent {
    }

    /** A queued command is handed to the charger: journaled before the call goes out (sent at most once). */
    record CommandSent(String commandId, Instant at) implements PileEvent {
    }

    /** A command sent before a restart, safe to repeat, waits to be sent again. */
    record CommandRequeued(String commandId, String reason, Instant at) implements PileEvent {
    }

    /** The charger answered {@code answer} (its word) and the outcome it promised is awaited. */
    record CommandAnswered(String commandId, String answer, String responseJson, Instant at) implements PileEvent {
    }

    /**
     * The command ended: {@code outcome} the coarse ANSWERED / FAILED, {@code status} the fine one (null in events
     * from before it existed), {@code answer} the charger's word, {@code confirmation} what confirmed the outcome.
     */
    record CommandCompleted(String commandId, String outcome, String responseJson, String reason, Instant at,
                            String status, String answer, String confirmation) implements PileEvent {
    }

    // ---- the charger's registration (reviewed like stations) ----

    record ChargerDraftSaved(ChargerDetails details, io.chargeplane.control.Origin origin, Instant at) implements PileEvent {
    }

    record ChargerChangeSubmitted(String changeId, ChargerDetails details, io.chargeplane.control.Origin origin,
                                  Instant at) implements PileEvent {
    }

    /** The live details changed: approved ({@code changeId} set) or applied directly; keeps before and after. */
    record ChargerChangeApplied(String changeId, ChargerDetails before, ChargerDetails after,
                                io.chargeplane.control.Origin origin, Instant at) implements PileEvent {
    }

    record ChargerChangeRejected(String changeId, String comment, io.chargeplane.control.Origin origin, Instant at)
            implements PileEvent {
    }

    /** The station (and the one it left) confirmed the assignment. */
    record StationLinked(String stationId, Instant at) implements PileEvent {
    }
}
