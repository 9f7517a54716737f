package io.chargeplane.control.charger.registration;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.control.review.SaveMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One charger registration (create or edit, from the REST API or a CSV row) as a persisted process manager, keyed by
 * its request id. What was asked is journaled before the first claim; the steps ({@link RegistrationSteps}) run; the
 * caller is answered and the outcome journaled. After a crash the saga is woken at the next start
 * ({@link InterruptedRegistrations}) and finishes what was begun: saved if the pile holds the change, else whatever
 * was claimed for it and is not used is given back. The ordering of a save is thus never left to a timing heuristic.
 */
public final class RegistrationSaga
        extends EventSourcedBehaviorWithEnforcedReplies<RegistrationSaga.Command, RegistrationSaga.Event, RegistrationSaga.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "ChargerRegistration");

    public sealed interface Command extends CborSerializable {
    }

    /** Register: create ({@code create}) or edit the pile's details; the reply comes when the saga has ended. */
    public record Start(String pileId, boolean create, ChargerDetails details, SaveMode mode, Long expectedVersion,
                        Origin origin, ActorRef<Result<ChargerView>> replyTo) implements Command {
    }

    private record StepsEnded(Result<ChargerView> result, String failure) implements Command {
    }

    /** What the pile holds of a saga interrupted by a crash ({@code saved} null: not the change). */
    private record Recovered(Result<ChargerView> saved, String failure) implements Command {
    }

    private record Recover() implements Command {
    }

    /** Be in memory: a saga recovered as begun and not ended then finishes ({@link InterruptedRegistrations}). */
    public record Wake() implements Command {
    }

    /** Sent by sharding when the saga passivates. */
    public record Stop() implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    /** What was asked, journaled before any claim is made. */
    public record Began(String pileId, boolean create, ChargerDetails details, SaveMode mode, Long expectedVersion,
                        Origin origin, Instant at) implements Event {
    }

    /**
     * How it ended: SAVED, REFUSED (a rule or a claim said no: {@code rejection}), FAILED (a step did not answer:
     * what was claimed was given back) or INTERRUPTED (a crash came between; finished on recovery).
     */
    public record Ended(String outcome, Result.Rejection rejection, Instant at) implements Event {
    }

    public static final String SAVED = "SAVED";
    public static final String REFUSED = "REFUSED";
    public static final String FAILED = "FAILED";
    public static final String INTERRUPTED = "INTERRUPTED";

    public record State(Began began, Ended ended) implements CborSerializable {
        boolean running() {
            return began != null && ended == null;
        }
    }

    public static void init(ActorSystem<?> system, RegistrationSteps steps, Clock clock) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
                        ctx -> create(ctx.getEntityId(), steps, clock, ctx.getShard()))
                // a saga that has not ended is woken at the next start (InterruptedRegistrations) and finishes
                .withStopMessage(new Stop()));
    }

    public static Behavior<Command> create(String requestId, RegistrationSteps steps, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(ctx -> new RegistrationSaga(requestId, steps, clock, shard, ctx));
    }

    private final String requestId;
    private final RegistrationSteps steps;
    private final Clock clock;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final ActorContext<Command> ctx;
    /** Who waits for the outcome; in memory (a crash loses the caller's connection anyway). */
    private final List<ActorRef<Result<ChargerView>>> waiting = new ArrayList<>();

    private RegistrationSaga(String requestId, RegistrationSteps steps, Clock clock,
                             ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<Command> ctx) {
        super(PersistenceId.of(ENTITY_KEY.name(), requestId));
        this.requestId = requestId;
        this.steps = steps;
        this.clock = clock;
        this.shard = shard;
        this.ctx = ctx;
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.Recovery recovery() {
        return io.chargeplane.control.NoSnapshots.recovery();
    }

    @Override
    public State emptyState() {
        return new State(null, null);
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Began.class, (s, e) -> new State(e, null))
                .onEvent(Ended.class, (s, e) -> new State(s.began(), e))
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            if (s.running()) {
                ctx.getLog().info("registration {} of pile {} was interrupted; finishing it", requestId,
                        s.began().pileId());
                recover(s.began());
            } else if (s.ended() != null) {
                passivate(); // ended before a crash, while still remembered
            }
        }).build();
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Start.class, this::onStart)
                .onCommand(StepsEnded.class, this::onStepsEnded)
                .onCommand(Recovered.class, this::onRecovered)
                .onCommand(Recover.class, (s, c) -> {
                    if (s.running()) {
                        recover(s.began());
                    }
                    return Effect().noReply();
                })
                .onCommand(Wake.class, (s, c) -> Effect().noReply())
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
                .build();
    }

    private ReplyEffect<Event, State> onStart(State s, Start c) {
        if (s.ended() != null) {
            return Effect().reply(c.replyTo(), s.ended().rejection() != null
                    ? new Result<>(null, s.ended().rejection())
                    : Result.rejected(Result.Reason.CONFLICT, null, "registration " + requestId + " has ended: "
                            + s.ended().outcome() + "; read the charger for its details"));
        }
        waiting.add(c.replyTo());
        if (s.running()) {
            return Effect().noReply(); // the same request again: answered with the first
        }
        Began began = new Began(c.pileId(), c.create(), c.details(), c.mode(), c.expectedVersion(), c.origin(),
                clock.instant());
        return Effect().persist(began).thenRun(ns -> ctx.pipeToSelf(steps.run(began), (result, failure) ->
                new StepsEnded(result, failure == null ? null : String.valueOf(failure.getMessage())))).thenNoReply();
    }

    private ReplyEffect<Event, State> onStepsEnded(State s, StepsEnded c) {
        Result<ChargerView> reply;
        Ended ended;
        if (c.failure() != null) {
            Result.Rejection r = new Result.Rejection(Result.Reason.UNAVAILABLE, null, "the registration of charger "
                    + s.began().pileId() + " could not be completed (" + c.failure() + "); what it had claimed is "
                    + "given back: retry");
            ended = new Ended(FAILED, r, clock.instant());
            reply = new Result<>(null, r);
        } else if (c.result().isOk()) {
            ended = new Ended(SAVED, null, clock.instant());
            reply = c.result();
        } else {
            ended = new Ended(REFUSED, c.result().rejection(), clock.instant());
            reply = c.result();
        }
        // answered before the end is journaled: what the answer confirms is already durable where it lives (the pile's
        // registration, the claims); a crash before Ended is written finishes the saga from the pile's record
        waiting.forEach(w -> w.tell(reply));
        waiting.clear();
        return Effect().persist(ended).thenRun(ns -> passivate()).thenNoReply();
    }

    private ReplyEffect<Event, State> onRecovered(State s, Recovered c) {
        if (!s.running()) {
            return Effect().noReply();
        }
        if (c.failure() != null) { // the pile did not answer: ask again a little later
            ctx.getLog().warn("registration {}: pile {} did not answer ({}); asking again in 10 s", requestId,
                    s.began().pileId(), c.failure());
            ctx.scheduleOnce(Duration.ofSeconds(10), ctx.getSelf(), new Recover());
            return Effect().noReply();
        }
        Ended ended = c.saved() != null ? new Ended(SAVED, null, clock.instant())
                : new Ended(INTERRUPTED, new Result.Rejection(Result.Reason.UNAVAILABLE, null,
                        "interrupted by a restart of the server; nothing was kept: retry"), clock.instant());
        ctx.getLog().info("registration {} of pile {} finished after a restart: {}", requestId, s.began().pileId(),
                ended.outcome());
        return Effect().persist(ended).thenRun(ns -> passivate()).thenNoReply();
    }

    private void recover(Began began) {
        ctx.pipeToSelf(steps.recover(began), (saved, failure) -> new Recovered(saved,
                failure == null ? null : String.valueOf(failure.getMessage())));
    }

    private void passivate() {
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }

    /** The saga to ask for a registration: a new request id per request. */
    public static org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Command> forRequest(ClusterSharding sharding,
                                                                                                 String requestId) {
        return sharding.entityRefFor(ENTITY_KEY, requestId);
    }
}
