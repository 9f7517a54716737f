package io.chargeplane.control.batch;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.blob.PublicLinks;
import io.chargeplane.control.charger.CommandResult;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.language.ChargerOperation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
 * One operator request to one charger, a list or a whole station (resolved to its chargers when it is made), as a
 * persisted process manager keyed by its batch id, like the registration saga. It journals what was asked and its
 * targets, hands each pile its command (tagged with the batch id, so that a pile asked twice answers with the
 * command it already has), and journals each target's changes as the piles report them: queued, sent, answered,
 * confirmed, failed, timed out, expired, unknown. After a crash it asks its unfinished targets again; a report
 * lost on the way is caught the same way every few minutes while targets are open.
 */
public final class CommandBatch
        extends EventSourcedBehaviorWithEnforcedReplies<CommandBatch.Command, CommandBatch.Event, CommandBatch.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "CommandBatch");
    public static final String TAG = "batch";
    private static final Set<String> TAGS = Set.of(TAG);
    private static final Duration ASK = Duration.ofSeconds(10);
    /** How often the open targets are asked again, in case a pile's report was lost. */
    static final Duration REFRESH = Duration.ofMinutes(5);
    /** The status of a target whose pile refused the command (offline and not to wait, no such charger). */
    public static final String REFUSED = "REFUSED";
    /** The status of a target a roll-out stopped before its wave (too many failures before it). */
    public static final String CANCELLED = "CANCELLED";

    public sealed interface Command extends CborSerializable {
    }

    /** Create the batch: sends {@code operation} to every pile of {@code targets}; the reply is the batch. */
    public record Create(ChargerOperation operation, List<String> targets, String stationId, Duration offlineWait,
                         Waves waves, Origin origin, ActorRef<Result<BatchView>> replyTo) implements Command {
    }

    /**
     * A roll-out in waves: at most {@code size} targets open at once (null: all at once), and after
     * {@code stopAfterFailures} failed targets the ones not yet sent are cancelled (null: never).
     */
    public record Waves(Integer size, Integer stopAfterFailures) implements CborSerializable {
        public static final Waves ALL_AT_ONCE = new Waves(null, null);
    }

    public record Get(TargetPage page, ActorRef<Result<BatchView>> replyTo) implements Command {
    }

    /** The batch once every target has its outcome, or as it is after {@code wait}. */
    public record AwaitDone(Duration atMost, TargetPage page, ActorRef<Result<BatchView>> replyTo) implements Command {
    }

    /**
     * Which of the targets a view carries, in the batch's order: those with {@code status} (null: all), after the
     * target {@code after} (null: from the first), at most {@code limit}. A batch of 10,000 targets in one message
     * exceeded the cluster's frame size (256 KiB) and was dropped on its way to another node.
     */
    public record TargetPage(String status, String after, int limit) implements CborSerializable {
        /** Targets in one view at most: well inside one remote message. */
        public static final int MAX = 500;
        public static final TargetPage FIRST = new TargetPage(null, null, MAX);

        public TargetPage {
            if (limit < 1 || limit > MAX) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX);
            }
        }
    }

    /**
     * A pile's report: where the batch's command to it is now; {@code replyTo} (null from the batch's own asks) is
     * told once the batch has it, so that the pile sends again a report lost with a node.
     */
    public record TargetChanged(String pileId, CommandResult command, ActorRef<org.apache.pekko.Done> replyTo)
            implements Command {
    }

    /** A pile refused the batch's command (or could not be asked). */
    public record TargetRefused(String pileId, String reason) implements Command {
    }

    private record Refresh() implements Command {
    }

    private record Cancel(String pileId, String reason) implements Command {
    }

    private record WaitOver(String waiterId) implements Command {
    }

    /** Journal the updates decided since the last write, in one write. */
    private record Flush() implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    /** {@code waves}: null in batches from before waves existed (all at once). */
    public record Created(ChargerOperation operation, List<String> targets, String stationId, Duration offlineWait,
                          Origin origin, Instant at, Waves waves) implements Event {
        Waves wavesOrAll() {
            return waves != null ? waves : Waves.ALL_AT_ONCE;
        }
    }

    /** A target's command moved on; {@code done}: it has its outcome. */
    public record TargetUpdated(String pileId, String commandId, String status, String answer, String reason,
                                String confirmation, boolean done, Instant at) implements Event {
    }

    /** One target of the batch: its command (null until the pile took it) and where it is. */
    public record Target(String pileId, String commandId, String status, String answer, String reason,
                         String confirmation, boolean done, Instant updatedAt) implements CborSerializable {
    }

    /**
     * The batch as its events left it. Its targets are updated in place and it counts those without an outcome: a
     * copy per event made a batch of 10,000 targets cost 10,000 × 10,000 map entries (the entity is its only
     * holder, and nothing is snapshotted).
     */
    public static final class State {
        private final Created created;
        private final LinkedHashMap<String, Target> targets;
        private int notDone;

        private State(Created created, LinkedHashMap<String, Target> targets) {
            this.created = created;
            this.targets = targets;
            this.notDone = targets.size();
        }

        static State empty() {
            return new State(null, new LinkedHashMap<>());
        }

        Created created() {
            return created;
        }

        /** In the batch's order; read-only. */
        Map<String, Target> targets() {
            return java.util.Collections.unmodifiableMap(targets);
        }

        boolean exists() {
            return created != null;
        }

        boolean done() {
            return exists() && notDone == 0;
        }

        State apply(Event event) {
            if (event instanceof Created c) {
                LinkedHashMap<String, Target> t = new LinkedHashMap<>();
                for (String pile : c.targets()) {
                    t.put(pile, new Target(pile, null, CommandResult.QUEUED, null, null, null, false, c.at()));
                }
                return new State(c, t);
            }
            TargetUpdated u = (TargetUpdated) event;
            Target before = targets.put(u.pileId(), new Target(u.pileId(), u.commandId(), u.status(), u.answer(),
                    u.reason(), u.confirmation(), u.done(), u.at()));
            boolean wasDone = before != null && before.done();
            notDone += before == null ? (u.done() ? 0 : 1) : (wasDone == u.done() ? 0 : (u.done() ? -1 : 1));
            return this;
        }
    }

    /**
     * What one target is sent for the batch's operation, made before its pile is asked: the operation itself, or
     * one of the target's own (a diagnostics upload link per charger). The same batch and target give the same
     * operation, so that asking again after a crash hands the pile what it has. A future failed with
     * {@link PublicLinks.Unavailable} refuses the target with its message.
     */
    @FunctionalInterface
    public interface TargetOperations {
        TargetOperations SAME = (op, pileId, createdAt, offlineWait) -> CompletableFuture.completedFuture(op);

        CompletionStage<ChargerOperation> forTarget(ChargerOperation operation, String pileId, Instant createdAt,
                                                    Duration offlineWait);
    }

    public static void init(ActorSystem<?> system, Clock clock, TargetOperations targetOperations) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
                ctx -> create(ctx.getEntityId(), clock, targetOperations)));
    }

    public static Behavior<Command> create(String batchId, Clock clock, TargetOperations targetOperations) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new CommandBatch(batchId, clock, targetOperations, ctx, timers)));
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    private final String batchId;
    private final Clock clock;
    private final TargetOperations targetOperations;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ClusterSharding sharding;
    /** Operators waiting for the batch to be done (in memory: a crash loses their connections anyway). */
    private final Map<String, Waiter> waiting = new LinkedHashMap<>();

    private record Waiter(TargetPage page, ActorRef<Result<BatchView>> replyTo) {
    }

    /**
     * Target updates decided but not journaled yet, written together at the next {@link Flush}: a burst of 2,000
     * reports written one by one held every read of the batch for longer than the API waits. Lost in a crash, they
     * are asked again: the piles hold each command's truth.
     */
    private final List<TargetUpdated> unwritten = new ArrayList<>();
    private final Map<String, TargetUpdated> unwrittenByPile = new java.util.HashMap<>();
    private boolean flushSent;
    /** Targets asked in this incarnation whose pile may not have answered yet: they count in their wave. */
    private final java.util.Set<String> asked = new java.util.HashSet<>();

    private CommandBatch(String batchId, Clock clock, TargetOperations targetOperations, ActorContext<Command> ctx,
                         TimerScheduler<Command> timers) {
        super(PersistenceId.of(ENTITY_KEY.name(), batchId));
        this.batchId = batchId;
        this.clock = clock;
        this.targetOperations = targetOperations;
        this.ctx = ctx;
        this.timers = timers;
        this.sharding = ClusterSharding.get(ctx.getSystem());
    }

    @Override
    public State emptyState() {
        return State.empty();
    }

    @Override
    public Set<String> tagsFor(Event event) {
        return TAGS;
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            if (s.exists() && !s.done()) { // a crash may have come between the piles' reports and the journal
                ask(s, open(s));
                ask(s, nextWave(s));
                timers.startTimerWithFixedDelay("refresh", new Refresh(), REFRESH);
            }
        }).build();
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Create.class, this::onCreate)
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), view(s, c.page())))
                .onCommand(AwaitDone.class, this::onAwaitDone)
                .onCommand(TargetChanged.class, this::onTargetChanged)
                .onCommand(TargetRefused.class, this::onTargetRefused)
                .onCommand(Flush.class, (s, c) -> flush())
                .onCommand(Cancel.class, (s, c) -> {
                    Target t = current(s, c.pileId());
                    if (t == null || t.done() || t.commandId() != null) {
                        return Effect().noReply();
                    }
                    return update(new TargetUpdated(c.pileId(), null, CANCELLED, null, c.reason(), null, true,
                            clock.instant()));
                })
                .onCommand(Refresh.class, (s, c) -> {
                    ask(s, open(s));
                    return Effect().noReply();
                })
                .onCommand(WaitOver.class, (s, c) -> {
                    Waiter w = waiting.remove(c.waiterId());
                    if (w != null) {
                        w.replyTo().tell(view(s, w.page()));
                    }
                    return Effect().noReply();
                })
                .build();
    }

    private ReplyEffect<Event, State> onCreate(State s, Create c) {
        if (s.exists()) {
            return Effect().reply(c.replyTo(), view(s, TargetPage.FIRST)); // the same request again
        }
        if (c.targets().isEmpty()) {
            return Effect().reply(c.replyTo(), Result.rejected(Result.Reason.INVALID, "chargers",
                    "a batch needs at least one charger"));
        }
        Created created = new Created(c.operation(), List.copyOf(c.targets()), c.stationId(), c.offlineWait(),
                c.origin(), clock.instant(), c.waves());
        // answered once it is persisted, before its targets are asked: thousands of asks sent first queued the
        // reply behind them on the way to another node, and a 5,000-target Create outlived the API's 10 s
        return Effect().persist(created).thenRun(ns -> {
            c.replyTo().tell(view(ns, TargetPage.FIRST));
            ask(ns, nextWave(ns));
            timers.startTimerWithFixedDelay("refresh", new Refresh(), REFRESH);
        }).thenNoReply();
    }

    private ReplyEffect<Event, State> onAwaitDone(State s, AwaitDone c) {
        if (!s.exists() || s.done() || c.atMost().isZero()) {
            return Effect().reply(c.replyTo(), view(s, c.page()));
        }
        String id = UUID.randomUUID().toString();
        waiting.put(id, new Waiter(c.page(), c.replyTo()));
        timers.startSingleTimer("wait:" + id, new WaitOver(id), c.atMost());
        return Effect().noReply();
    }

    /**
     * Each target's pile is asked for the batch's command: it creates it, or answers with the one it already has
     * for this batch (a batch that asks again after a crash sends nothing twice).
     */
    private void ask(State s, List<Target> targets) {
        Created c = s.created();
        for (Target t : targets) {
            String pile = t.pileId();
            asked.add(pile);
            ctx.pipeToSelf(targetOperations.forTarget(c.operation(), pile, c.at(), c.offlineWait()).thenCompose(op ->
                            sharding.entityRefFor(PileEntity.ENTITY_KEY, pile).<Result<CommandResult>>ask(
                                    r -> new PileCommand.SubmitCommand(op, c.origin(), c.offlineWait(), batchId, r), ASK)),
                    (result, failure) -> {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof PublicLinks.Unavailable) {
                            return new TargetRefused(pile, cause.getMessage());
                        }
                        if (failure != null) {
                            return new TargetRefused(pile, null); // not answered: asked again at the next refresh
                        }
                        return result.isOk() ? new TargetChanged(pile, result.value(), null)
                                : new TargetRefused(pile, result.rejection().detail());
                    });
        }
    }

    private ReplyEffect<Event, State> onTargetChanged(State s, TargetChanged c) {
        if (c.replyTo() != null) { // taken: lost before it is journaled, it is asked again after a recovery
            c.replyTo().tell(org.apache.pekko.Done.getInstance());
        }
        Target now = current(s, c.pileId());
        CommandResult r = c.command();
        if (now == null || now.done() || (now.commandId() != null && !now.commandId().equals(r.commandId()))) {
            return Effect().noReply();
        }
        boolean done = r.completedAt() != null;
        String status = r.statusOrDerived();
        if (Objects.equals(now.commandId(), r.commandId()) && status.equals(now.status()) && done == now.done()
                && Objects.equals(r.answer(), now.answer()) && Objects.equals(r.confirmation(), now.confirmation())) {
            return Effect().noReply(); // nothing new: a refresh, or a report that crossed one
        }
        return update(new TargetUpdated(c.pileId(), r.commandId(), status, r.answer(), r.reason(), r.confirmation(),
                done, clock.instant()));
    }

    private ReplyEffect<Event, State> onTargetRefused(State s, TargetRefused c) {
        Target now = current(s, c.pileId());
        if (now == null || now.done() || now.commandId() != null || c.reason() == null) {
            return Effect().noReply();
        }
        return update(new TargetUpdated(c.pileId(), null, REFUSED, null, c.reason(), null, true, clock.instant()));
    }

    /** Targets the piles have taken (or are being asked to) and that have no outcome yet. */
    private List<Target> open(State s) {
        return s.targets().values().stream()
                .filter(t -> !t.done() && (t.commandId() != null || asked.contains(t.pileId()))).toList();
    }

    /** The targets not yet sent that the wave has room for (all of them when the batch has no waves). */
    private List<Target> nextWave(State s) {
        Integer size = s.created().wavesOrAll().size();
        List<Target> waiting = s.targets().values().stream()
                .filter(t -> !t.done() && t.commandId() == null && !asked.contains(t.pileId())).toList();
        if (size == null) {
            return waiting;
        }
        int room = Math.max(0, size - open(s).size());
        return waiting.subList(0, Math.min(room, waiting.size()));
    }

    /** Whether a target that is done failed: no outcome, a refusal, or not confirmed (a cancelled one did not run). */
    static boolean failed(Target t) {
        return t.done() && !CommandResult.CONFIRMED.equals(t.status()) && !CANCELLED.equals(t.status())
                && !(CommandResult.STATUS_ANSWERED.equals(t.status()) && "Accepted".equals(t.answer()));
    }

    /** The target as the journal will have it once the unwritten updates are written. */
    private Target current(State s, String pileId) {
        TargetUpdated u = unwrittenByPile.get(pileId);
        return u == null ? s.targets().get(pileId) : new Target(u.pileId(), u.commandId(), u.status(), u.answer(),
                u.reason(), u.confirmation(), u.done(), u.at());
    }

    private ReplyEffect<Event, State> update(TargetUpdated event) {
        unwritten.add(event);
        unwrittenByPile.put(event.pileId(), event);
        if (!flushSent) {
            flushSent = true;
            ctx.getSelf().tell(new Flush()); // after the reports already in the mailbox
        }
        return Effect().noReply();
    }

    private ReplyEffect<Event, State> flush() {
        flushSent = false;
        if (unwritten.isEmpty()) {
            return Effect().noReply();
        }
        List<Event> events = List.copyOf(unwritten);
        boolean outcome = unwritten.stream().anyMatch(e -> e.done() && !CANCELLED.equals(e.status()));
        unwritten.clear();
        unwrittenByPile.clear();
        return Effect().persist(events).thenRun(ns -> {
            Waves waves = ns.created().wavesOrAll();
            if (outcome && waves.size() != null) {
                long failures = ns.targets().values().stream().filter(CommandBatch::failed).count();
                if (waves.stopAfterFailures() != null && failures >= waves.stopAfterFailures()) {
                    cancelUnsent(ns, failures);
                } else {
                    ask(ns, nextWave(ns));
                }
            }
            if (ns.done()) {
                timers.cancel("refresh");
                List.copyOf(waiting.keySet()).forEach(id -> {
                    timers.cancel("wait:" + id);
                    Waiter w = waiting.remove(id);
                    w.replyTo().tell(view(ns, w.page()));
                });
            }
        }).thenNoReply();
    }

    /** The roll-out stops: the targets not yet sent end CANCELLED (told to self, journaled one by one). */
    private void cancelUnsent(State s, long failures) {
        for (Target t : s.targets().values()) {
            if (!t.done() && t.commandId() == null && !asked.contains(t.pileId())) {
                ctx.getSelf().tell(new Cancel(t.pileId(), "cancelled: " + failures + " targets failed before its wave"));
            }
        }
    }

    private Result<BatchView> view(State s, TargetPage page) {
        if (!s.exists()) {
            return Result.rejected(Result.Reason.NOT_FOUND, null, "no batch " + batchId);
        }
        if (page.after() != null && !s.targets().containsKey(page.after())) {
            return Result.rejected(Result.Reason.INVALID, "after", "after must name a target of batch " + batchId);
        }
        return Result.ok(BatchView.of(batchId, s, page));
    }

    /**
     * What an operator sees of a batch: its counts over all targets, and one page of the targets;
     * {@code nextTargets} is the {@code after} of the next page (null on the last).
     */
    public record BatchView(String batchId, String operation, ChargerOperation parameters, String stationId,
                            String createdBy, Instant createdAt, boolean done, Map<String, Integer> counts,
                            List<Target> targets, String nextTargets) implements CborSerializable {
        static BatchView of(String batchId, State s, TargetPage page) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            List<Target> rows = new ArrayList<>();
            boolean started = page.after() == null;
            String next = null;
            for (Target t : s.targets().values()) {
                counts.merge(t.status(), 1, Integer::sum);
                if (!started) {
                    started = t.pileId().equals(page.after());
                } else if (next == null && (page.status() == null || page.status().equals(t.status()))) {
                    if (rows.size() == page.limit()) {
                        next = rows.get(rows.size() - 1).pileId();
                    } else {
                        rows.add(t);
                    }
                }
            }
            Created c = s.created();
            return new BatchView(batchId, c.operation().name(), c.operation(), c.stationId(), c.origin().by(), c.at(),
                    s.done(), counts, rows, next);
        }
    }
}
