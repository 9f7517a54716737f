package io.chargeplane.control.charger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.ControlServices;
import io.chargeplane.control.ControlSettings;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.telemetry.MeterSample;
import io.chargeplane.control.telemetry.TelemetryStore;
import io.chargeplane.control.telemetry.TelemetryWriter;
import io.chargeplane.control.transaction.TransactionIdAllocator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Pile entity with the persistence testkit, spoken to in the charger's language (no protocol): which reports
 * write which events (and which write none), and what survives a restart. The testkit also checks that every command, event and state serialises.
 */
class PileEntityTest {
    // the scheduler is the testkit's manual one: the pile's timers (command timeout, passivation) fire when a test
    // lets time pass, never by waiting
    private static final Config CONFIG = EventSourcedBehaviorTestKit.config()
            .withFallback(ManualTime.config())
            .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
            .withFallback(ConfigFactory.load());
    private static final ActorTestKit KIT = ActorTestKit.create(CONFIG);
    private static final ManualTime TIME = ManualTime.get(KIT.system());
    private static final ControlSettings SETTINGS = ControlSettings.from(CONFIG);
    private static final Database DB = Database.open(ConfigFactory.parseMap(Map.of(
            "chargeplane.db.url", "jdbc:h2:mem:pile-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "chargeplane.db.user", "sa", "chargeplane.db.password", "", "chargeplane.db.app-pool-size", 2)));

    private EventSourcedBehaviorTestKit<PileCommand, PileEvent, PileState> kit;
    private TestProbe<SessionMessage> session;
    private TestProbe<ClusterSharding.ShardCommand> shard;
    private String pileId;
    private final Instant t0 = Instant.parse("2026-06-01T10:00:00Z");

    @BeforeEach
    void setUp() {
        var blocking = Executors.newFixedThreadPool(2);
        var writer = new TelemetryWriter(new TelemetryStore(DB), blocking, 100, 1, nanos -> { });
        var presence = KIT.spawn(io.chargeplane.control.presence.PresenceWriter.create(DB, blocking, java.time.Duration.ofSeconds(1), "pile-entity-test"));
        var services = new ControlServices(SETTINGS, Clock.systemUTC(), new TransactionIdAllocator(DB, blocking), writer,
                presence, new io.chargeplane.control.station.StationAssignments(KIT.system(), java.time.Duration.ofSeconds(10)),
                null);
        shard = KIT.createTestProbe();
        pileId = "pile-" + UUID.randomUUID();
        kit = EventSourcedBehaviorTestKit.create(KIT.system(), PileEntity.create(pileId, shard.getRef(), services));
        session = KIT.createTestProbe();
        // a pile as the journal holds one: created and bound (registration events would ask the station, which
        // this kit has no cluster for)
        kit.persistenceTestKit().persistForRecovery("Pile|" + pileId, List.of(
                new PileEvent.PileCreated(pileId, "CN-1", t0), new PileEvent.DeviceAttached("CP-1", t0)));
        kit.restart();
        connect();
    }

    /** The socket attaches; the pile answers with its own ref for direct calls. */
    private void connect() {
        kit.runCommand(new PileCommand.Connected("CP-1", session.getRef(), "127.0.0.1"));
        session.expectMessageClass(SessionMessage.PileAttached.class);
    }

    @AfterAll
    static void tearDown() {
        KIT.shutdownTestKit();
        DB.close();
    }

    private ChargerReply answer(ChargerReport report) {
        TestProbe<ChargerReply.ToCall> replies = KIT.createTestProbe();
        String callId = UUID.randomUUID().toString();
        kit.runCommand(new PileCommand.FromCharger("CP-1", callId, report, List.of(),
                new Authorization(Authorization.Status.ACCEPTED, null, null), Instant.now(),
                session.getRef(), replies.getRef()));
        ChargerReply.ToCall answer = replies.receiveMessage(Duration.ofSeconds(10));
        assertEquals(callId, answer.callId());
        return answer.reply();
    }

    private int started(ChargerReport start) {
        return assertInstanceOf(ChargerReply.SessionStartAnswer.class, answer(start)).transactionId();
    }

    private ChargerReport.SessionStartReported start(int connector, int meterStart) {
        return new ChargerReport.SessionStartReported(connector, "TAG", meterStart, t0, null);
    }

    private ChargerReport.SessionEndReported stop(int tx, long meterStop) {
        return new ChargerReport.SessionEndReported(tx, meterStop, t0.plusSeconds(60), null, null, List.of());
    }

    @Test
    void aRepeatedIdenticalStatusWritesNoEvent() {
        var available = new ChargerReport.StatusReported(1, "Available", "NoError", null, null, null);
        answer(available);
        long written = countEvents();
        assertEquals(3, written, "created, device attached, status changed");
        answer(available);
        assertEquals(written, countEvents());
        assertEquals("Available", kit.getState().connectors().get(1).status());
    }

    @Test
    void aRetriedStartTransactionGetsTheSameIdAndSurvivesARestart() {
        int tx = started(start(1, 100));
        assertEquals(tx, started(start(1, 100)));
        kit.restart();
        connect();
        assertEquals(tx, started(start(1, 100)));
        assertEquals(1, kit.getState().sessions().size());
    }

    @Test
    void aStopEndsTheSessionOnceWithItsEnergy() {
        int tx = started(start(1, 100));
        var stop = stop(tx, 350);
        assertInstanceOf(ChargerReply.SessionEndAnswer.class, answer(stop));
        long written = countEvents();
        answer(stop);
        assertEquals(written, countEvents());
        ChargingSession ended = kit.getState().endedSession(tx);
        assertEquals(250, ended.energyWh());
        assertEquals("CHARGER", ended.endedBy());
    }

    @Test
    void aStopBelowTheStartReadingIsZeroWhAndAMeterAnomaly() {
        int tx = started(start(1, 5_000));
        answer(stop(tx, 4_200));
        assertEquals(0, kit.getState().endedSession(tx).energyWh());
        assertTrue(kit.getState().alerts().stream().anyMatch(a -> a.kind().equals("METER_ANOMALY")
                && a.transactionId() == tx), kit.getState().alerts().toString());
    }

    @Test
    void aChargerClockAheadIsReportedOnceAnHourNotOnEveryMeterValues() {
        int tx = started(start(1, 0));
        Instant ahead = Instant.now().plus(Duration.ofDays(3650));
        for (int i = 0; i < 5; i++) {
            answer(new ChargerReport.MeterReported(1, tx, List.of(new MeterSample(pileId, 1, tx, ahead.plusSeconds(i),
                    Instant.now(), MeterReadings.ENERGY_REGISTER, null, "Outlet", "Wh", "Sample.Periodic", "Raw",
                    String.valueOf(100 * i), 100.0 * i))));
        }
        assertEquals(1, kit.getState().alerts().stream().filter(a -> a.kind().equals("CLOCK_SKEW")).count());
    }

    @Test
    void aCommandIsSentToTheSessionAndItsAnswerCompletesIt() {
        TestProbe<io.chargeplane.control.Result<CommandResult>> operator = KIT.createTestProbe();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Reset(false), null, operator.getRef()));
        SessionMessage.SendCall call = assertInstanceOf(SessionMessage.SendCall.class,
                session.receiveMessage(Duration.ofSeconds(5)));
        assertEquals(new ChargerOperation.Reset(false), call.operation());
        kit.runCommand(new PileCommand.ChargerAnswered(call.commandId(), "Accepted", "{\"status\":\"Accepted\"}",
                null, Instant.now()));
        CommandResult result = operator.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals(CommandResult.ANSWERED, result.outcome());
        assertEquals("Accepted", result.answer());
        assertEquals(CommandResult.STATUS_ANSWERED, result.status(), "a reboot's outcome is its next boot");
        assertEquals(1, kit.getState().openCommands().size());
        answer(new ChargerReport.BootReported("Acme", "AC22", "SN", "2.0"));
        CommandResult done = awaitEnded(call.commandId());
        assertEquals(CommandResult.CONFIRMED, done.status());
        assertEquals("the charger booted again with firmware 2.0", done.confirmation());
    }

    /**
     * The command's record once it has ended. An outcome is journaled right after the report that confirmed it (the
     * pile tells itself while it handles the report), so the state read after that report's answer holds it.
     */
    private CommandResult awaitEnded(String commandId) {
        for (CommandResult r : kit.getState().recentCommands()) {
            if (r.commandId().equals(commandId)) {
                return r;
            }
        }
        throw new AssertionError("command " + commandId + " did not end: " + kit.getState().openCommands());
    }

    @Test
    void aCommandTheChargerNeverAnswersFailsAtTheCommandTimeoutAndNotBefore() {
        TestProbe<io.chargeplane.control.Result<CommandResult>> operator = KIT.createTestProbe();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Reset(false), null, operator.getRef()));
        session.expectMessageClass(SessionMessage.SendCall.class);
        Duration timeout = SETTINGS.commandTimeout();
        TIME.timePasses(timeout.minusMillis(1));
        operator.expectNoMessage(Duration.ofMillis(300)); // a timer that fired would have answered by now
        TIME.timePasses(Duration.ofMillis(1));
        CommandResult result = operator.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals(CommandResult.FAILED, result.outcome());
        assertEquals("timeout: the charger did not answer within " + timeout.toSeconds() + " s", result.reason());
        assertEquals(CommandResult.TIMED_OUT, result.status());
        assertTrue(kit.getState().openCommands().isEmpty(), "the timeout is journaled: nothing stays open");
    }

    @Test
    void aDisconnectedPileWithNothingQueuedAsksToPassivateAfterTheGraceNotBefore() {
        kit.runCommand(new PileCommand.Disconnected(session.getRef())); // what the pile's watch of the socket says
        Duration grace = SETTINGS.disconnectedPassivation();
        TIME.timePasses(grace.minusMillis(1));
        shard.expectNoMessage(Duration.ofMillis(300));
        TIME.timePasses(Duration.ofMillis(1));
        assertInstanceOf(ClusterSharding.Passivate.class, shard.receiveMessage(Duration.ofSeconds(5)));
    }

    private TestProbe<io.chargeplane.control.Result<CommandResult>> operator() {
        return KIT.createTestProbe();
    }

    private void disconnect() {
        kit.runCommand(new PileCommand.Disconnected(session.getRef()));
    }

    private SessionMessage.SendCall call() {
        return assertInstanceOf(SessionMessage.SendCall.class, session.receiveMessage(Duration.ofSeconds(5)));
    }

    private void charger(String commandId, String word) {
        kit.runCommand(new PileCommand.ChargerAnswered(commandId, word, "{\"status\":\"" + word + "\"}", null,
                Instant.now()));
    }

    @Test
    void aCommandForAnOfflineChargerIsQueuedSurvivesARestartAndIsSentOnceWhenTheChargerIsBack() {
        disconnect();
        var operator = operator();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ChangeConfiguration("HeartbeatInterval",
                "600"), null, operator.getRef()));
        CommandResult queued = operator.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals(CommandResult.QUEUED, queued.status(), "the operator hears at once that it waits");
        kit.restart();
        session = KIT.createTestProbe();
        connect();
        SessionMessage.SendCall sent = call();
        assertEquals(queued.commandId(), sent.commandId());
        assertEquals(new ChargerOperation.ChangeConfiguration("HeartbeatInterval", "600"), sent.operation());
        session.expectNoMessage(Duration.ofMillis(300));
        assertEquals(CommandResult.SENT, kit.getState().openCommands().get(sent.commandId()).status());
        charger(sent.commandId(), "Accepted");
        assertEquals(CommandResult.STATUS_ANSWERED, awaitEnded(sent.commandId()).status());
        kit.restart();
        session.expectNoMessage(Duration.ofMillis(300)); // ended: never sent again
    }

    @Test
    void aRebootSentBeforeARestartIsNotSentAgainAndEndsUnknown() {
        var operator = operator();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Reset(true), null, operator.getRef()));
        String id = call().commandId();
        kit.restart(); // the node went down before the charger answered
        session = KIT.createTestProbe();
        connect();
        session.expectNoMessage(Duration.ofMillis(300));
        CommandResult r = kit.getState().recentCommands().get(kit.getState().recentCommands().size() - 1);
        assertEquals(id, r.commandId());
        assertEquals(CommandResult.UNKNOWN, r.status());
    }

    @Test
    void aCacheClearSentBeforeARestartIsSafeToRepeatAndIsSentAgain() {
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ClearCache(), null, operator().getRef()));
        String id = call().commandId();
        kit.restart();
        session = KIT.createTestProbe();
        connect();
        assertEquals(id, call().commandId());
        assertTrue(kit.getState().openCommands().containsKey(id));
    }

    @Test
    void aRemoteStartAnsweredAcceptedWithNoSessionAfterItEndsNotConfirmed() {
        var operator = operator();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.StartCharging(1, "TAG"), null,
                operator.getRef()));
        String id = call().commandId();
        charger(id, "Accepted");
        assertEquals(CommandResult.STATUS_ANSWERED, operator.receiveMessage(Duration.ofSeconds(5)).value().status());
        TIME.timePasses(SETTINGS.outcomeTimeout().minusMillis(1));
        assertTrue(kit.getState().openCommands().containsKey(id), "Accepted is not success until the session starts");
        TIME.timePasses(Duration.ofMillis(1));
        CommandResult r = awaitEnded(id);
        assertEquals(CommandResult.NOT_CONFIRMED, r.status());
        assertEquals("Accepted", r.answer());
        assertTrue(r.reason().startsWith("not confirmed: no session started within"), r.reason());
    }

    @Test
    void aRemoteStartIsConfirmedByTheSessionItAskedFor() {
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.StartCharging(1, "TAG"), null,
                operator().getRef()));
        String id = call().commandId();
        charger(id, "Accepted");
        answer(start(2, 0)); // another connector: not this command's session
        assertTrue(kit.getState().openCommands().containsKey(id));
        answer(start(1, 0));
        CommandResult r = awaitEnded(id);
        assertEquals(CommandResult.CONFIRMED, r.status());
        assertEquals("a session started on connector 1 for TAG", r.confirmation());
    }

    @Test
    void aQueuedCommandExpiresWhenItsWaitForTheChargerIsOver() {
        disconnect();
        var operator = operator();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Unlock(1), null, Duration.ofMinutes(2),
                operator.getRef()));
        String id = operator.receiveMessage(Duration.ofSeconds(5)).value().commandId();
        TIME.timePasses(Duration.ofMinutes(2));
        assertEquals(CommandResult.EXPIRED, awaitEnded(id).status());
    }

    @Test
    void aCommandThatMustNotWaitIsRefusedForAnOfflineChargerAndNothingIsWritten() {
        disconnect();
        var operator = operator();
        var before = kit.getState().openCommands().size();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Reset(false), null, Duration.ZERO,
                operator.getRef()));
        var refused = operator.receiveMessage(Duration.ofSeconds(5));
        assertEquals(io.chargeplane.control.Result.Reason.CONFLICT, refused.rejection().reason());
        assertEquals("ifOffline", refused.rejection().field());
        assertEquals(before, kit.getState().openCommands().size());
    }

    @Test
    void aNewerChangeOfTheSameSettingReplacesTheQueuedOne() {
        disconnect();
        var operator = operator();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ChangeConfiguration("MeterValueSampleInterval",
                "60"), null, operator.getRef()));
        String older = operator.receiveMessage(Duration.ofSeconds(5)).value().commandId();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ChangeConfiguration("MeterValueSampleInterval",
                "30"), null, operator.getRef()));
        String newer = operator.receiveMessage(Duration.ofSeconds(5)).value().commandId();
        assertEquals(CommandResult.REPLACED, awaitEnded(older).status());
        assertTrue(kit.getState().openCommands().containsKey(newer));
        connect();
        SessionMessage.SendCall only = call();
        assertEquals(newer, only.commandId());
        session.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void aSafeCallOnASocketThatClosedWaitsForTheNextConnectionAnUnsafeOneEndsUnknown() {
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ReadConfiguration(List.of()), null,
                operator().getRef()));
        String read = call().commandId();
        disconnect();
        assertEquals(CommandResult.QUEUED, kit.getState().openCommands().get(read).status());
        connect();
        assertEquals(read, call().commandId());
        charger(read, "Accepted");
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Unlock(1), null, operator().getRef()));
        String unlock = call().commandId();
        disconnect();
        assertEquals(CommandResult.UNKNOWN, awaitEnded(unlock).status());
    }

    @Test
    void aPileAskedTwiceForTheSameBatchAnswersWithTheCommandItHasAndSendsOnce() {
        var batch = operator();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ClearCache(), null, null, "batch-1",
                batch.getRef()));
        CommandResult first = batch.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals("batch-1", first.batchId());
        assertEquals(first.commandId(), call().commandId());
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.ClearCache(), null, null, "batch-1",
                batch.getRef()));
        assertEquals(first.commandId(), batch.receiveMessage(Duration.ofSeconds(5)).value().commandId());
        session.expectNoMessage(Duration.ofMillis(300));
        assertEquals(1, kit.getState().openCommands().size());
    }

    @Test
    void aCommandThatTheAdapterFoundUnansweredFailsWithItsReason() {
        TestProbe<io.chargeplane.control.Result<CommandResult>> operator = KIT.createTestProbe();
        kit.runCommand(new PileCommand.SubmitCommand(new ChargerOperation.Reset(true), null, operator.getRef()));
        var call = (SessionMessage.SendCall) session.receiveMessage(Duration.ofSeconds(5));
        kit.runCommand(new PileCommand.ChargerAnswered(call.commandId(), "Maybe", "{\"status\":\"Maybe\"}",
                "invalid answer from charger: status", Instant.now()));
        CommandResult result = operator.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals(CommandResult.FAILED, result.outcome());
        assertEquals("invalid answer from charger: status", result.reason());
    }

    @Test
    void aReportFromAnIdentityThatIsNotThePilesDeviceIsRefusedAsNotBound() {
        TestProbe<ChargerReply.ToCall> replies = KIT.createTestProbe();
        kit.runCommand(new PileCommand.FromCharger("SOMEONE-ELSE", "m1",
                new ChargerReport.StatusReported(1, "Available", "NoError", null, null, null), List.of(), null,
                Instant.now(), session.getRef(), replies.getRef()));
        var refusal = assertInstanceOf(ChargerReply.Refusal.class, replies.receiveMessage().reply());
        assertEquals(ChargerReply.Reason.NOT_BOUND, refusal.reason());
    }

    @Test
    void aBootOfAnIdentityThatIsNotThePilesDeviceIsNotLetIn() {
        TestProbe<ChargerReply.ToCall> replies = KIT.createTestProbe();
        kit.runCommand(new PileCommand.FromCharger("SOMEONE-ELSE", "m2",
                new ChargerReport.BootReported("V", "M", "S", "1.0"), List.of(), null, Instant.now(),
                session.getRef(), replies.getRef()));
        var boot = assertInstanceOf(ChargerReply.BootAnswer.class, replies.receiveMessage().reply());
        assertEquals(ChargerReply.Registration.REJECTED, boot.registration());
    }

    private long countEvents() {
        return org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(KIT.system())
                .persistedInStorage("Pile|" + pileId).size();
    }
}
