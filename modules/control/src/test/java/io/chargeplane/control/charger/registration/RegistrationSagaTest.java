package io.chargeplane.control.charger.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.control.charger.ConnectorType;
import io.chargeplane.control.review.SaveMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The registration saga as a process manager, with its steps replaced by hand-written answers: it journals what was
 * asked before any step, journals how it ended, and a saga found begun but not ended after a restart finishes.
 */
class RegistrationSagaTest {
    private static final Config CONFIG = EventSourcedBehaviorTestKit.config()
            .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
            .withFallback(ConfigFactory.load());
    private static final ActorTestKit KIT = ActorTestKit.create(CONFIG);
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final ChargerDetails DETAILS = new ChargerDetails("CN-1", "ST-1", "Model", 22,
            List.of(new ChargerDetails.Connector(1, ConnectorType.values()[0], 22)), "CP-1");

    /** Steps that answer as told and remember what they were asked. */
    static final class ScriptedSteps extends RegistrationSteps {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<Result<ChargerView>> run = new CompletableFuture<>();
        CompletionStage<Result<ChargerView>> recover = CompletableFuture.completedFuture(null);

        ScriptedSteps() {
            super(KIT.system(), Clock.systemUTC(), Duration.ofMinutes(2));
        }

        @Override
        public CompletionStage<Result<ChargerView>> run(RegistrationSaga.Began request) {
            calls.add("run " + request.pileId());
            return run;
        }

        @Override
        public CompletionStage<Result<ChargerView>> recover(RegistrationSaga.Began request) {
            calls.add("recover " + request.pileId());
            return recover;
        }
    }

    private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();

    private EventSourcedBehaviorTestKit<RegistrationSaga.Command, RegistrationSaga.Event, RegistrationSaga.State> kit(
            ScriptedSteps steps) {
        return EventSourcedBehaviorTestKit.create(KIT.system(), RegistrationSaga.create(UUID.randomUUID().toString(),
                steps, Clock.fixed(T0, java.time.ZoneOffset.UTC), shard.getRef()));
    }

    @AfterAll
    static void tearDown() {
        KIT.shutdownTestKit();
    }

    private static ChargerView view() {
        return new ChargerView("p1", "CN-1", "CP-1", null, DETAILS, null, null, null, true, false, 1);
    }

    @Test
    void whatWasAskedIsJournaledBeforeAnyStepAndTheOutcomeAfterTheLast() {
        ScriptedSteps steps = new ScriptedSteps();
        var kit = kit(steps);
        TestProbe<Result<ChargerView>> caller = KIT.createTestProbe();
        var began = kit.runCommand(new RegistrationSaga.Start("p1", true, DETAILS, SaveMode.DIRECT, null,
                new Origin("alice", "127.0.0.1"), caller.getRef()));
        assertInstanceOf(RegistrationSaga.Began.class, began.event());
        assertEquals(List.of("run p1"), steps.calls);
        steps.run.complete(Result.ok(view()));
        assertTrue(caller.receiveMessage(Duration.ofSeconds(5)).isOk());
        shard.expectMessageClass(ClusterSharding.Passivate.class);
        RegistrationSaga.Ended ended = kit.getState().ended();
        assertEquals(RegistrationSaga.SAVED, ended.outcome());
    }

    @Test
    void aRefusalIsJournaledWithItsReasonAndAnswered() {
        ScriptedSteps steps = new ScriptedSteps();
        var kit = kit(steps);
        TestProbe<Result<ChargerView>> caller = KIT.createTestProbe();
        kit.runCommand(new RegistrationSaga.Start("p1", true, DETAILS, SaveMode.DIRECT, null,
                new Origin("alice", "127.0.0.1"), caller.getRef()));
        steps.run.complete(Result.rejected(Result.Reason.CONFLICT, "chargerNumber", "taken"));
        assertEquals("chargerNumber", caller.receiveMessage(Duration.ofSeconds(5)).rejection().field());
        shard.expectMessageClass(ClusterSharding.Passivate.class);
        assertEquals(RegistrationSaga.REFUSED, kit.getState().ended().outcome());
    }

    @Test
    void aStepThatFailsEndsTheSagaAsFailedAndTellsTheCallerToRetry() {
        ScriptedSteps steps = new ScriptedSteps();
        var kit = kit(steps);
        TestProbe<Result<ChargerView>> caller = KIT.createTestProbe();
        kit.runCommand(new RegistrationSaga.Start("p1", false, DETAILS, SaveMode.REVIEW, 3L,
                new Origin("alice", "127.0.0.1"), caller.getRef()));
        steps.run.completeExceptionally(new java.util.concurrent.TimeoutException("pile p1 did not answer"));
        assertEquals(Result.Reason.UNAVAILABLE, caller.receiveMessage(Duration.ofSeconds(5)).rejection().reason());
        shard.expectMessageClass(ClusterSharding.Passivate.class);
        assertEquals(RegistrationSaga.FAILED, kit.getState().ended().outcome());
    }

    @Test
    void aSagaBegunButNotEndedWhenTheServerStoppedFinishesAfterTheRestart() {
        ScriptedSteps steps = new ScriptedSteps();
        var kit = kit(steps);
        kit.runCommand(new RegistrationSaga.Start("p1", true, DETAILS, SaveMode.DIRECT, null,
                new Origin("alice", "127.0.0.1"), KIT.<Result<ChargerView>>createTestProbe().getRef()));
        // the steps never answer: the node went down here; on restart the saga asks what the pile holds
        kit.restart();
        shard.expectMessageClass(ClusterSharding.Passivate.class);
        assertTrue(steps.calls.contains("recover p1"), steps.calls.toString());
        RegistrationSaga.Ended ended = kit.getState().ended();
        assertEquals(RegistrationSaga.INTERRUPTED, ended.outcome(), "the pile does not hold the change: given back");
    }

    @Test
    void anInterruptedSagaWhoseChangeThePileHoldsEndsAsSaved() {
        ScriptedSteps steps = new ScriptedSteps();
        steps.recover = CompletableFuture.completedFuture(Result.ok(view()));
        var kit = kit(steps);
        kit.runCommand(new RegistrationSaga.Start("p1", true, DETAILS, SaveMode.DIRECT, null,
                new Origin("alice", "127.0.0.1"), KIT.<Result<ChargerView>>createTestProbe().getRef()));
        kit.restart();
        shard.expectMessageClass(ClusterSharding.Passivate.class);
        assertEquals(RegistrationSaga.SAVED, kit.getState().ended().outcome());
        assertNull(kit.getState().ended().rejection());
    }
}
