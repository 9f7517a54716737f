package io.chargeplane.control.charger.rules;

import io.chargeplane.control.charger.ChargingSession;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.charger.PileState;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.telemetry.MeterSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a charger's reports mean for its sessions and alerts: given the pile's state and a report, the events to
 * persist and the reply. No actor, no I/O; the entity persists what these return, then replies.
 */
public final class SessionRules {
    /** How often a charger's skewed clock is reported again while it stays skewed. */
    static final Duration CLOCK_SKEW_REPEAT = Duration.ofHours(1);

    private final Duration clockSkewTolerance;

    public SessionRules(Duration clockSkewTolerance) {
        this.clockSkewTolerance = clockSkewTolerance;
    }

    /** The events a report writes (often none) and the reply the charger gets once they are persisted. */
    public record Decision(List<PileEvent> events, ChargerReply reply) {
    }

    /**
     * A (re)boot: new boot information is remembered (a changed serial number raised), and sessions still open are
     * closed at their last known reading, since a charger that booted has ended them.
     */
    public Decision boot(PileState s, ChargerReport.BootReported boot, LiveRegisters live, Instant receivedAt,
                         Instant now, int heartbeatSeconds) {
        List<PileEvent> events = new ArrayList<>();
        PileState.BootInfo was = s.boot();
        if (was == null || !Objects.equals(was.vendor(), boot.vendor()) || !Objects.equals(was.model(), boot.model())
                || !Objects.equals(was.serialNumber(), boot.serialNumber())
                || !Objects.equals(was.firmwareVersion(), boot.firmwareVersion())) {
            events.add(new PileEvent.BootInfoChanged(boot.vendor(), boot.model(), boot.serialNumber(),
                    boot.firmwareVersion(), receivedAt));
            if (was != null && was.serialNumber() != null && !was.serialNumber().equals(boot.serialNumber())) {
                events.add(new PileEvent.AlertRaised("SERIAL_NUMBER_CHANGED", "device reported serial "
                        + boot.serialNumber() + ", was " + was.serialNumber(), null, receivedAt));
            }
        }
        for (ChargingSession open : s.sessions().values()) {
            events.addAll(closeByServer(s, open, "Reboot", "REBOOT", live.lastKnownWh(open), receivedAt));
        }
        return new Decision(events, new ChargerReply.BootAnswer(ChargerReply.Registration.ACCEPTED, now,
                heartbeatSeconds));
    }

    /** A status that differs from the connector's last one is remembered; a repeated one writes nothing. */
    public List<PileEvent> status(PileState s, ChargerReport.StatusReported st, Instant receivedAt) {
        PileState.Connector was = s.connectors().get(st.connectorId());
        if (was != null && was.status().equals(st.status()) && was.errorCode().equals(st.errorCode())
                && Objects.equals(was.info(), st.info()) && Objects.equals(was.vendorErrorCode(), st.vendorErrorCode())) {
            return List.of();
        }
        List<PileEvent> events = new ArrayList<>();
        events.add(new PileEvent.ConnectorStatusChanged(st.connectorId(), st.status(), st.errorCode(), st.info(),
                st.vendorErrorCode(), st.timestamp(), receivedAt));
        clockSkew(s, events, st.timestamp(), receivedAt, null);
        return events;
    }

    /**
     * The session this start report already started: a charger that did not get the answer retries with the same
     * connector, tag, reading and time, and gets the same transaction id.
     */
    public ChargingSession retried(PileState s, ChargerReport.SessionStartReported st) {
        return s.sameStart(st.connectorId(), st.idTag(), st.meterStartWh(), st.startedAt());
    }

    /**
     * A new session with the transaction id drawn for it. A session still open on the connector is superseded
     * (closed at its last known reading); a start reading of 0 after a higher register is suspect and raised.
     */
    public Decision start(PileState s, ChargerReport.SessionStartReported st, Authorization authorization, int txId,
                          List<ChargerReport.Tolerated> tolerated, LiveRegisters live, Instant receivedAt) {
        List<PileEvent> events = new ArrayList<>();
        ChargingSession stale = s.openSessionOn(st.connectorId());
        if (stale != null) {
            events.addAll(closeByServer(s, stale, "Superseded", "SUPERSEDED", live.lastKnownWh(stale), receivedAt));
        }
        // a charger whose clock is ahead is priced from when its start arrived, not from a time yet to come
        Instant billedFrom = st.startedAt().isAfter(receivedAt.plus(clockSkewTolerance)) ? receivedAt : st.startedAt();
        events.add(new PileEvent.SessionStarted(txId, st.connectorId(), st.idTag(), authorization.status().label(),
                st.meterStartWh(), st.startedAt(), receivedAt, st.reservationId(), billedFrom));
        Long previous = s.lastRegisterWh().get(st.connectorId());
        if (st.meterStartWh() == 0 && previous != null && previous > 0) {
            events.add(new PileEvent.AlertRaised("START_READING_ZERO", "meterStart 0 after a register of "
                    + previous + " Wh: energy is counted from " + previous + " Wh unless the register was reset",
                    txId, receivedAt));
        }
        tolerated(events, tolerated, txId, receivedAt);
        clockSkew(s, events, st.startedAt(), receivedAt, txId);
        return new Decision(events, new ChargerReply.SessionStartAnswer(txId, authorization));
    }

    /**
     * The end of a session, and whether its readings are kept ({@code keepReadings}) on which connector.
     * An open session ends with the charger's figures; one the server had closed (reboot, superseded) is corrected by
     * them; the same end again changes nothing; an end of a transaction this server never started is recorded and
     * raised, and answered normally.
     */
    public record StopDecision(List<PileEvent> events, ChargerReply reply, boolean keepReadings, int connectorId) {
    }

    public StopDecision stop(PileState s, ChargerReport.SessionEndReported st, Authorization authorization,
                             List<ChargerReport.Tolerated> tolerated, Instant receivedAt) {
        int txId = st.transactionId();
        List<PileEvent> events = new ArrayList<>();
        String reason = st.reason() == null ? "Local" : st.reason();
        ChargingSession open = s.sessions().get(txId);
        ChargingSession ended = open == null ? s.endedSession(txId) : null;
        boolean keep;
        if (open != null || (ended != null && ended.endedByServer())) {
            ChargingSession base = open != null ? open : ended;
            events.add(new PileEvent.SessionEnded(txId, st.meterStopWh(), st.stoppedAt(), reason,
                    base.energyTo(st.meterStopWh()), "CHARGER", receivedAt, PileEvent.Order.of(base, s)));
            if (base.meterWentBackwards(st.meterStopWh())) {
                events.add(new PileEvent.AlertRaised("METER_ANOMALY", "meterStop " + st.meterStopWh()
                        + " Wh is below meterStart " + base.meterStart() + " Wh: the session is recorded with 0 Wh; "
                        + "check the meter (replaced, reset or faulty)", txId, receivedAt));
            }
            if (ended != null) {
                events.add(new PileEvent.AlertRaised("SESSION_CORRECTED_BY_LATE_STOP", "transaction " + txId
                        + " had been closed by " + ended.endedBy() + "; the charger's StopTransaction replaced its figures",
                        txId, receivedAt));
            }
            keep = true;
        } else if (ended != null || s.unknownStopRecorded(txId)) {
            keep = false; // the same end again: stop once
        } else {
            events.add(new PileEvent.UnknownStopRecorded(txId, st.meterStopWh(), st.stoppedAt(), reason, st.idTag(),
                    receivedAt));
            events.add(new PileEvent.AlertRaised("UNKNOWN_TRANSACTION_STOPPED", "StopTransaction for transaction "
                    + txId + " which this server never started; answered normally", txId, receivedAt));
            keep = true;
        }
        if (!events.isEmpty()) {
            tolerated(events, tolerated, txId, receivedAt);
            clockSkew(s, events, st.stoppedAt(), receivedAt, txId);
        }
        int connector = open != null ? open.connectorId() : ended != null ? ended.connectorId() : 0;
        return new StopDecision(events, new ChargerReply.SessionEndAnswer(st.idTag() == null ? null : authorization),
                keep, connector);
    }

    /**
     * Meter readings: the live register of the session they belong to moves on (in memory), and a checkpoint of it is
     * persisted once an interval has passed since the last one.
     */
    public List<PileEvent> meter(PileState s, ChargerReport.MeterReported mv, List<ChargerReport.Tolerated> tolerated,
                                 LiveRegisters live, Instant receivedAt) {
        Integer tx = mv.transactionId();
        List<PileEvent> events = new ArrayList<>(0);
        Instant newest = null;
        boolean open = tx != null && s.sessions().containsKey(tx);
        for (MeterSample sample : mv.readings()) {
            newest = newest == null || sample.sampledAt().isAfter(newest) ? sample.sampledAt() : newest;
            if (open) {
                live.remember(tx, sample);
            }
        }
        if (open) {
            List<PileEvent.SessionEnergyCheckpoint> backlog = live.backlog(tx, mv.readings(), receivedAt);
            if (!backlog.isEmpty()) {
                events.addAll(backlog);
            } else {
                PileEvent.SessionEnergyCheckpoint due = live.checkpointDue(tx, receivedAt);
                if (due != null) {
                    events.add(due);
                }
            }
        }
        tolerated(events, tolerated, tx, receivedAt);
        clockSkew(s, events, newest, receivedAt, tx);
        return events;
    }

    /** Ends an open session from the server side (reboot, superseded) at {@code lastWh}; raised for operators. */
    static List<PileEvent> closeByServer(PileState s, ChargingSession open, String reason, String endedBy, long lastWh,
                                         Instant at) {
        return List.of(
                new PileEvent.SessionEnded(open.transactionId(), lastWh, at, reason, open.energyTo(lastWh), endedBy, at,
                        PileEvent.Order.of(open, s)),
                new PileEvent.AlertRaised("SESSION_ENDED_BY_" + endedBy, "transaction " + open.transactionId()
                        + " was still open; closed at the last known reading " + lastWh + " Wh", open.transactionId(), at));
    }

    private static void tolerated(List<PileEvent> events, List<ChargerReport.Tolerated> tolerated, Integer txId,
                                  Instant at) {
        for (ChargerReport.Tolerated v : tolerated) {
            events.add(new PileEvent.AlertRaised(v.kind(), v.detail(), txId, at));
        }
    }

    /**
     * A charger whose clock is ahead is reported once an hour, not on every report that carries its time: a wrong
     * clock would otherwise write an alert to the journal with every MeterValues.
     */
    private void clockSkew(PileState s, List<PileEvent> events, Instant chargerTime, Instant receivedAt, Integer txId) {
        if (chargerTime != null && chargerTime.isAfter(receivedAt.plus(clockSkewTolerance))
                && !s.alertedSince("CLOCK_SKEW", receivedAt.minus(CLOCK_SKEW_REPEAT))) {
            events.add(new PileEvent.AlertRaised("CLOCK_SKEW", "charger time " + chargerTime + " is ahead of server time "
                    + receivedAt + "; ordering uses the time of receipt", txId, receivedAt));
        }
    }
}
