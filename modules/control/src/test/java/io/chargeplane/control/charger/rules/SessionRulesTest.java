package io.chargeplane.control.charger.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.charger.MeterReadings;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.charger.PileState;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.telemetry.MeterSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session rules on hand-written states: no actor, no journal; each case is a state, a report and a time. */
class SessionRulesTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final Authorization OK = new Authorization(Authorization.Status.ACCEPTED, null, null);
    private final SessionRules rules = new SessionRules(Duration.ofMinutes(5));
    private final LiveRegisters live = new LiveRegisters(Duration.ofMinutes(5), Duration.ofMinutes(1));

    private static PileState pile(PileEvent... events) {
        PileState s = PileState.empty().apply(new PileEvent.PileCreated("p1", "CN-1", T0))
                .apply(new PileEvent.DeviceAttached("CP-1", T0));
        for (PileEvent e : events) {
            s = s.apply(e);
        }
        return s;
    }

    private static PileEvent.SessionStarted started(int tx, int connector, long meterStart) {
        return new PileEvent.SessionStarted(tx, connector, "TAG", "Accepted", meterStart, T0, T0, null);
    }

    private static ChargerReport.SessionStartReported start(int connector, long meterStart) {
        return new ChargerReport.SessionStartReported(connector, "TAG", meterStart, T0, null);
    }

    private static ChargerReport.SessionEndReported end(int tx, long meterStop) {
        return new ChargerReport.SessionEndReported(tx, meterStop, T0.plusSeconds(600), null, null, List.of());
    }

    private static MeterSample energy(int tx, Instant at, double wh) {
        return new MeterSample("p1", 1, tx, at, at, MeterReadings.ENERGY_REGISTER, null, "Outlet", "Wh",
                "Sample.Periodic", "Raw", String.valueOf(wh), wh);
    }

    private static <T> List<T> ofType(List<PileEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aRetriedStartIsTheSessionItAlreadyStarted() {
        PileState s = pile(started(7, 1, 100));
        assertEquals(7, rules.retried(s, start(1, 100)).transactionId());
        assertNull(rules.retried(s, start(1, 101)), "another reading is another start");
    }

    @Test
    void aStartOnAConnectorWithAnOpenSessionSupersedesItAtItsLastKnownReading() {
        PileState s = pile(started(7, 1, 100));
        live.remember(7, energy(7, T0.plusSeconds(30), 400));
        var d = rules.start(s, start(1, 500), OK, 8, List.of(), live, T0.plusSeconds(60));
        PileEvent.SessionEnded closed = ofType(d.events(), PileEvent.SessionEnded.class).get(0);
        assertEquals(7, closed.transactionId());
        assertEquals("SUPERSEDED", closed.endedBy());
        assertEquals(400, closed.meterStop(), "the live register, not the start reading");
        assertEquals(8, assertInstanceOf(ChargerReply.SessionStartAnswer.class, d.reply()).transactionId());
    }

    @Test
    void aStartAtZeroAfterAHigherRegisterIsRaised() {
        PileState s = pile(started(7, 1, 100), new PileEvent.SessionEnded(7, 900, T0, "Local", 800, "CHARGER", T0));
        var d = rules.start(s, start(1, 0), OK, 8, List.of(), live, T0);
        assertEquals("START_READING_ZERO", ofType(d.events(), PileEvent.AlertRaised.class).get(0).kind());
    }

    @Test
    void aLateEndCorrectsASessionTheServerClosed() {
        PileState s = pile(started(7, 1, 100), new PileEvent.SessionEnded(7, 100, T0, "Reboot", 0, "REBOOT", T0));
        var d = rules.stop(s, end(7, 1_100), OK, List.of(), T0.plusSeconds(700));
        assertEquals(1_000, ofType(d.events(), PileEvent.SessionEnded.class).get(0).energyWh());
        assertTrue(ofType(d.events(), PileEvent.AlertRaised.class).stream()
                .anyMatch(a -> a.kind().equals("SESSION_CORRECTED_BY_LATE_STOP")));
        assertTrue(d.keepReadings());
        assertEquals(1, d.connectorId());
    }

    @Test
    void theSameEndTwiceEndsTheSessionOnce() {
        PileState s = pile(started(7, 1, 100), new PileEvent.SessionEnded(7, 350, T0, "Local", 250, "CHARGER", T0));
        var d = rules.stop(s, end(7, 350), OK, List.of(), T0);
        assertEquals(List.of(), d.events());
        assertFalse(d.keepReadings(), "its readings were kept the first time");
        assertInstanceOf(ChargerReply.SessionEndAnswer.class, d.reply());
    }

    @Test
    void anEndOfATransactionNeverStartedIsRecordedAndAnsweredNormally() {
        var d = rules.stop(pile(), end(99, 500), OK, List.of(), T0);
        assertEquals(1, ofType(d.events(), PileEvent.UnknownStopRecorded.class).size());
        assertEquals("UNKNOWN_TRANSACTION_STOPPED", ofType(d.events(), PileEvent.AlertRaised.class).get(0).kind());
        assertInstanceOf(ChargerReply.SessionEndAnswer.class, d.reply());
    }

    @Test
    void anEndWithoutATagIsAnsweredWithoutAnAuthorization() {
        var d = rules.stop(pile(started(7, 1, 100)), end(7, 200), OK, List.of(), T0);
        assertNull(((ChargerReply.SessionEndAnswer) d.reply()).authorization());
    }

    @Test
    void aBootClosesOpenSessionsAndRaisesAChangedSerialNumber() {
        PileState s = pile(new PileEvent.BootInfoChanged("V", "M", "S-1", "1.0", T0), started(7, 1, 100));
        var d = rules.boot(s, new ChargerReport.BootReported("V", "M", "S-2", "1.0"), live, T0, T0, 300);
        assertEquals("REBOOT", ofType(d.events(), PileEvent.SessionEnded.class).get(0).endedBy());
        assertTrue(ofType(d.events(), PileEvent.AlertRaised.class).stream()
                .anyMatch(a -> a.kind().equals("SERIAL_NUMBER_CHANGED")));
        assertEquals(300, ((ChargerReply.BootAnswer) d.reply()).heartbeatSeconds());
    }

    @Test
    void aBootThatChangesNothingWritesNothing() {
        PileState s = pile(new PileEvent.BootInfoChanged("V", "M", "S-1", "1.0", T0));
        assertEquals(List.of(), rules.boot(s, new ChargerReport.BootReported("V", "M", "S-1", "1.0"), live, T0, T0, 300)
                .events());
    }

    @Test
    void aRepeatedStatusWritesNothing() {
        var available = new ChargerReport.StatusReported(1, "Available", "NoError", null, null, null);
        PileState s = pile();
        List<PileEvent> first = rules.status(s, available, T0);
        assertEquals(1, first.size());
        assertEquals(List.of(), rules.status(s.apply(first.get(0)), available, T0.plusSeconds(1)));
    }

    @Test
    void aCheckpointIsWrittenOnceAnIntervalHasPassed() {
        PileState s = pile(started(7, 1, 0));
        live.started(7, T0);
        var mv = new ChargerReport.MeterReported(1, 7, List.of(energy(7, T0.plusSeconds(30), 50)));
        assertEquals(List.of(), rules.meter(s, mv, List.of(), live, T0.plusSeconds(30)), "not yet a minute");
        var later = new ChargerReport.MeterReported(1, 7, List.of(energy(7, T0.plusSeconds(61), 80)));
        PileEvent.SessionEnergyCheckpoint cp = assertInstanceOf(PileEvent.SessionEnergyCheckpoint.class,
                rules.meter(s, later, List.of(), live, T0.plusSeconds(61)).get(0));
        assertEquals(80, cp.meterWh());
    }

    @Test
    void aClockAheadIsRaisedOnceAnHour() {
        PileState s = pile();
        Instant ahead = T0.plus(Duration.ofDays(1));
        var status = new ChargerReport.StatusReported(1, "Charging", "NoError", null, null, ahead);
        List<PileEvent> first = rules.status(s, status, T0);
        PileEvent.AlertRaised skew = ofType(first, PileEvent.AlertRaised.class).get(0);
        assertEquals("CLOCK_SKEW", skew.kind());
        for (PileEvent e : first) {
            s = s.apply(e);
        }
        var again = new ChargerReport.StatusReported(1, "Finishing", "NoError", null, null, ahead);
        assertEquals(List.of(), ofType(rules.status(s, again, T0.plusSeconds(60)), PileEvent.AlertRaised.class));
        assertEquals(1, ofType(rules.status(s, again, T0.plus(Duration.ofMinutes(61))), PileEvent.AlertRaised.class)
                .size());
    }

    @Test
    void aToleratedDeviationBecomesAnAlertOfTheSession() {
        var d = rules.start(pile(), start(1, 0), OK, 8, List.of(new ChargerReport.Tolerated("TIMESTAMP_WITHOUT_OFFSET",
                "StartTransaction $.timestamp: no offset")), live, T0);
        PileEvent.AlertRaised alert = ofType(d.events(), PileEvent.AlertRaised.class).get(0);
        assertEquals("TIMESTAMP_WITHOUT_OFFSET", alert.kind());
        assertSame(8, alert.transactionId());
    }

    @Test
    void hoursOfOfflineReadingsInOneMessageAreCheckpointedAtTheirOwnTimes() {
        // a charger back after three hours sends its readings every 10 minutes in one MeterValues
        PileState s = pile(started(7, 1, 0));
        live.started(7, T0);
        List<MeterSample> backlog = new java.util.ArrayList<>();
        for (int k = 1; k <= 18; k++) {
            backlog.add(energy(7, T0.plus(Duration.ofMinutes(10L * k)), 1_000.0 * k));
        }
        Instant received = T0.plus(Duration.ofHours(3));
        List<PileEvent> events = rules.meter(s, new ChargerReport.MeterReported(1, 7, backlog), List.of(), live,
                received);
        List<PileEvent.SessionEnergyCheckpoint> kept = ofType(events, PileEvent.SessionEnergyCheckpoint.class);
        assertEquals(18, kept.size(), "each reading is an interval (1 minute) or more after the one before");
        assertEquals(T0.plus(Duration.ofMinutes(10)), kept.get(0).readAt(), "at the time it was taken, not received");
        assertEquals(18_000, kept.get(17).meterWh());
        // the next single reading waits its interval after the receipt, as usual
        assertTrue(rules.meter(s, new ChargerReport.MeterReported(1, 7, List.of(energy(7, received, 18_100))),
                List.of(), live, received.plusSeconds(30)).isEmpty());
    }

    @Test
    void aSessionWhoseChargerClockIsAheadIsPricedFromTheTimeItsStartArrived() {
        PileState s = pile();
        Instant received = T0.minus(Duration.ofMinutes(10)); // the charger says T0, ten minutes ahead of the server
        var d = rules.start(s, start(1, 0), OK, 9, List.of(), live, received);
        PileEvent.SessionStarted started = ofType(d.events(), PileEvent.SessionStarted.class).get(0);
        assertEquals(T0, started.startedAt(), "the charger's own time is kept");
        assertEquals(received, started.billedFrom());
        var onTime = rules.start(s, start(1, 0), OK, 10, List.of(), live, T0.plusSeconds(2));
        assertEquals(T0, ofType(onTime.events(), PileEvent.SessionStarted.class).get(0).billedFrom());
    }
}
