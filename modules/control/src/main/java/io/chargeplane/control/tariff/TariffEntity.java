package io.chargeplane.control.tariff;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.review.Decision;
import io.chargeplane.control.review.PendingChange;
import io.chargeplane.control.review.ReviewRules;
import io.chargeplane.control.review.SaveMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
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
 * The tariff of one scope (S10-S12): every version it ever had, each with the time it is in force from, at most one
 * change waiting (for review, or scheduled and not yet in force), and the last review decision.
 *
 * <p>Versions never change and never go back in time: a version's {@code effectiveFrom} is the time asked for, or
 * the time it was published (applied directly or approved) if that is later, so a late approval never reprices the
 * past; the version in force at any instant is the last one from before it, and a session is priced with the one in
 * force when it started. A scheduled version takes effect on time with nobody acting: the entity keeps a timer while
 * it lives (it is never passivated), and after a restart {@link TariffSchedule} wakes the scopes whose scheduled
 * versions are due. Taking effect is journaled ({@link VersionTookEffect}) for the audit log and the feed; pricing
 * does not wait for it. Its journal sequence number is the REST ETag.
 */
public final class TariffEntity
        extends EventSourcedBehaviorWithEnforcedReplies<TariffEntity.Command, TariffEntity.Event, TariffEntity.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Tariff");
    /** Versions a scope keeps in its view's history, newest first (all stay in the journal and the read side). */
    static final int HISTORY_IN_VIEW = 50;

    public sealed interface Command extends CborSerializable {
    }

    /** A new version, in force from {@code effectiveFrom} (null: now): applied directly or submitted for review. */
    public record Save(TariffDocument tariff, Instant effectiveFrom, SaveMode mode, Long expectedVersion, Origin origin,
                       Instant at, ActorRef<Result<TariffView>> replyTo) implements Command {
    }

    public record Approve(String changeId, String comment, Origin origin, Instant at,
                          ActorRef<Result<TariffView>> replyTo) implements Command {
    }

    public record Reject(String changeId, String comment, Origin origin, Instant at,
                         ActorRef<Result<TariffView>> replyTo) implements Command {
    }

    /** Withdraws the scheduled version {@code number} before it is in force. */
    public record CancelScheduled(int number, Origin origin, Instant at, ActorRef<Result<TariffView>> replyTo)
            implements Command {
    }

    public record Get(ActorRef<Result<TariffView>> replyTo) implements Command {
    }

    /** The version in force at {@code at}; NOT_FOUND when the scope had none then. */
    public record InForceAt(Instant at, ActorRef<Result<TariffVersion>> replyTo) implements Command {
    }

    /**
     * Every version (cancelled ones too), oldest first, and {@code asOf}: no version published after this answer is
     * in force at or before it, so the list answers for any instant up to {@code asOf} (what {@link TariffResolver}
     * caches).
     */
    public record GetVersions(ActorRef<Result<Versions>> replyTo) implements Command {
    }

    public record Versions(List<TariffVersion> versions, Instant asOf) implements CborSerializable {
    }

    /** Be in memory and journal what is due (from {@link TariffSchedule} and the entity's own timer). */
    public record Wake() implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    public record ChangeSubmitted(String changeId, TariffDocument tariff, Instant requestedFrom, Origin origin,
                                  Instant at) implements Event {
    }

    /** A version published: applied directly ({@code changeId} null) or approved. */
    public record VersionPublished(int number, String changeId, TariffDocument tariff, Instant requestedFrom,
                                   Instant effectiveFrom, String submittedBy, Origin origin, Instant at)
            implements Event {
    }

    public record ChangeRejected(String changeId, String comment, Origin origin, Instant at) implements Event {
    }

    public record ScheduledCancelled(int number, Origin origin, Instant at) implements Event {
    }

    /** A published version's time came; {@code at} is when that was seen (at or just after its effectiveFrom). */
    public record VersionTookEffect(int number, Instant at) implements Event {
    }

    /** One version: what it charges, from when, who asked and who published it. */
    public record TariffVersion(String scope, int number, TariffDocument tariff, Instant requestedFrom,
                                Instant effectiveFrom, String submittedBy, String publishedBy, Instant publishedAt,
                                String changeId, Instant tookEffectAt, Instant cancelledAt)
            implements CborSerializable {
        boolean counts() {
            return cancelledAt == null;
        }
    }

    /** Of {@code versions} (oldest first), the last one not cancelled in force from before {@code at}, or null. */
    public static TariffVersion inForceAt(List<TariffVersion> versions, Instant at) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            TariffVersion v = versions.get(i);
            if (v.counts() && !v.effectiveFrom().isAfter(at)) {
                return v;
            }
        }
        return null;
    }

    public record PendingTariffChange(String changeId, TariffDocument proposed, Instant requestedFrom,
                                      String submittedBy, Instant submittedAt)
            implements PendingChange, CborSerializable {
    }

    public record State(List<TariffVersion> versions, PendingTariffChange pending, Decision lastDecision)
            implements CborSerializable {
        boolean exists() {
            return !versions.isEmpty() || pending != null || lastDecision != null;
        }

        /** The last version that counts from before {@code at}, or null. */
        TariffVersion inForceAt(Instant at) {
            return TariffEntity.inForceAt(versions, at);
        }

        /** The version published and not yet in force at {@code now}, or null (at most one). */
        TariffVersion scheduledAt(Instant now) {
            TariffVersion last = versions.isEmpty() ? null : versions.get(versions.size() - 1);
            return last != null && last.counts() && last.effectiveFrom().isAfter(now) ? last : null;
        }

        int nextNumber() {
            return versions.size() + 1;
        }
    }

    /**
     * What the REST API shows: the version in force now, the one scheduled, the change waiting for review, the last
     * decision, the newest versions (newest first), and the ETag.
     */
    public record TariffView(String scope, TariffVersion inForce, TariffVersion scheduled,
                             PendingTariffChange pending, Decision lastDecision, List<TariffVersion> history,
                             int versions, long version) implements CborSerializable {
    }

    public static void init(ActorSystem<?> system, Clock clock) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), ctx.getShard(), clock))
                // a scheduled version must take effect with nobody asking: the entity stays while its node runs
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
    }

    public static Behavior<Command> create(String scope, ActorRef<ClusterSharding.ShardCommand> shard, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TariffEntity(ctx, timers, shard, scope,
                clock)));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final String scope;
    private final Clock clock;
    /** The latest {@code asOf} this entity answered: a version published after it is in force only after it. */
    private Instant lastAsOf = Instant.EPOCH;

    private TariffEntity(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                         ActorRef<ClusterSharding.ShardCommand> shard, String scope, Clock clock) {
        super(PersistenceId.of(ENTITY_KEY.name(), scope));
        this.ctx = ctx;
        this.timers = timers;
        this.shard = shard;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.Recovery recovery() {
        return io.chargeplane.control.NoSnapshots.recovery();
    }

    @Override
    public State emptyState() {
        return new State(List.of(), null, null);
    }

    @Override
    public java.util.Set<String> tagsFor(Event event) {
        return java.util.Set.of("tariff");
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(ChangeSubmitted.class, (s, e) -> new State(s.versions(), new PendingTariffChange(e.changeId(),
                        e.tariff(), e.requestedFrom(), e.origin().by(), e.at()), s.lastDecision()))
                .onEvent(VersionPublished.class, (s, e) -> new State(append(s.versions(), new TariffVersion(scope,
                        e.number(), e.tariff(), e.requestedFrom(), e.effectiveFrom(), e.submittedBy(), e.origin().by(),
                        e.at(), e.changeId(), null, null)), null, e.changeId() == null ? s.lastDecision()
                        : new Decision(e.changeId(), true, null, e.origin().by(), e.at())))
                .onEvent(ChangeRejected.class, (s, e) -> new State(s.versions(), null,
                        new Decision(e.changeId(), false, e.comment(), e.origin().by(), e.at())))
                .onEvent(ScheduledCancelled.class, (s, e) -> new State(replace(s.versions(), e.number(),
                        v -> withCancelled(v, e.at())), s.pending(), s.lastDecision()))
                .onEvent(VersionTookEffect.class, (s, e) -> new State(replace(s.versions(), e.number(),
                        v -> withTookEffect(v, e.at())), s.pending(), s.lastDecision()))
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            if (due(s, clock.instant()) != null || s.scheduledAt(clock.instant()) != null) {
                ctx.getSelf().tell(new Wake());
            }
        }).build();
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Get.class, (s, c) -> s.exists() ? Effect().reply(c.replyTo(), Result.ok(view(s)))
                        : leave(c.replyTo(), Result.rejected(Result.Reason.NOT_FOUND, null,
                                "scope " + scope + " has no tariff")))
                .onCommand(InForceAt.class, (s, c) -> {
                    TariffVersion v = s.inForceAt(c.at());
                    Result<TariffVersion> none = Result.rejected(Result.Reason.NOT_FOUND, null, "scope " + scope
                            + " had no tariff in force at " + c.at());
                    return v != null ? Effect().reply(c.replyTo(), Result.ok(v))
                            : s.exists() ? Effect().reply(c.replyTo(), none) : leave(c.replyTo(), none);
                })
                .onCommand(GetVersions.class, (s, c) -> {
                    Instant asOf = millis(clock.instant());
                    lastAsOf = later(lastAsOf, asOf);
                    Result<Versions> answer = Result.ok(new Versions(s.versions(), asOf));
                    return s.exists() ? Effect().reply(c.replyTo(), answer) : leave(c.replyTo(), answer);
                })
                .onCommand(Save.class, this::onSave)
                .onCommand(Approve.class, this::onApprove)
                .onCommand(Reject.class, this::onReject)
                .onCommand(CancelScheduled.class, this::onCancel)
                .onCommand(Wake.class, this::onWake)
                .build();
    }

    /**
     * A scope without a tariff that was only asked about leaves memory at once (the entity is never passivated
     * otherwise: reading the tariff of each of 100,000 chargers would keep 100,000 empty entities).
     */
    private <T> ReplyEffect<Event, State> leave(ActorRef<Result<T>> replyTo, Result<T> answer) {
        return Effect().none().thenRun(s -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())))
                .thenReply(replyTo, s -> answer);
    }

    private ReplyEffect<Event, State> onSave(State s, Save c) {
        Optional<Result.Rejection> wrong = valid(c.tariff())
                .or(() -> c.mode() == SaveMode.DRAFT ? Optional.of(new Result.Rejection(Result.Reason.INVALID, "mode",
                        "a tariff version is submitted for review or applied directly: mode review or direct"))
                        : Optional.empty())
                .or(() -> versionMismatch(c.expectedVersion()))
                .or(() -> ReviewRules.canSave(s.pending(), SaveMode.REVIEW, true))
                .or(() -> scheduledConflict(s, c.at()));
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        Instant requested = millis(c.effectiveFrom() == null ? c.at() : c.effectiveFrom());
        Event event = c.mode() == SaveMode.REVIEW
                ? new ChangeSubmitted(UUID.randomUUID().toString(), c.tariff(), requested, c.origin(), c.at())
                : new VersionPublished(s.nextNumber(), null, c.tariff(), requested, publishedFrom(requested),
                        c.origin().by(), c.origin(), c.at());
        return Effect().persist(event).thenRun(this::schedule).thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private ReplyEffect<Event, State> onApprove(State s, Approve c) {
        Optional<Result.Rejection> wrong = ReviewRules.canDecide(s.pending(), c.changeId(), c.origin().by())
                .or(() -> scheduledConflict(s, c.at()));
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        PendingTariffChange p = s.pending();
        return Effect().persist(new VersionPublished(s.nextNumber(), p.changeId(), p.proposed(), p.requestedFrom(),
                        publishedFrom(p.requestedFrom()), p.submittedBy(), c.origin(), c.at()))
                .thenRun(this::schedule).thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private ReplyEffect<Event, State> onReject(State s, Reject c) {
        Optional<Result.Rejection> wrong = ReviewRules.canDecide(s.pending(), c.changeId(), c.origin().by());
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        return Effect().persist(new ChangeRejected(c.changeId(), c.comment(), c.origin(), c.at()))
                .thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private ReplyEffect<Event, State> onCancel(State s, CancelScheduled c) {
        TariffVersion scheduled = s.scheduledAt(c.at());
        if (scheduled == null || scheduled.number() != c.number()) {
            return Effect().reply(c.replyTo(), Result.rejected(Result.Reason.CONFLICT, "number", scheduled == null
                    ? "no version of " + scope + " is scheduled: one in force is replaced by a new version"
                    : "the version scheduled is " + scheduled.number() + ", not " + c.number()));
        }
        return Effect().persist(new ScheduledCancelled(c.number(), c.origin(), c.at()))
                .thenRun(ns -> timers.cancel("take-effect"))
                .thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    /** Journals the versions whose time has come, and sets the timer for the next one. */
    private ReplyEffect<Event, State> onWake(State s, Wake c) {
        Instant now = clock.instant();
        List<Event> events = new ArrayList<>();
        for (TariffVersion v : s.versions()) {
            if (v.counts() && v.tookEffectAt() == null && !v.effectiveFrom().isAfter(now)) {
                events.add(new VersionTookEffect(v.number(), now));
            }
        }
        if (events.isEmpty()) {
            schedule(s);
            return Effect().noReply();
        }
        return Effect().persist(events).thenRun(this::schedule).thenNoReply();
    }

    /** The timer to the scheduled version's time, if one is scheduled; a Wake now if one is due. */
    private void schedule(State s) {
        Instant now = clock.instant();
        if (due(s, now) != null) {
            ctx.getSelf().tell(new Wake());
            return;
        }
        TariffVersion next = s.scheduledAt(now);
        if (next == null) {
            timers.cancel("take-effect");
        } else {
            // a long delay is re-checked hourly: the clock may be adjusted meanwhile
            Duration wait = Duration.between(now, next.effectiveFrom());
            timers.startSingleTimer("take-effect", new Wake(), wait.compareTo(Duration.ofHours(1)) > 0
                    ? Duration.ofHours(1) : wait);
        }
    }

    private static TariffVersion due(State s, Instant now) {
        for (TariffVersion v : s.versions()) {
            if (v.counts() && v.tookEffectAt() == null && !v.effectiveFrom().isAfter(now)) {
                return v;
            }
        }
        return null;
    }

    private static Optional<Result.Rejection> valid(TariffDocument tariff) {
        if (tariff == null) {
            return Optional.of(new Result.Rejection(Result.Reason.INVALID, "tariff", "tariff is required"));
        }
        try {
            tariff.toTariff();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new Result.Rejection(Result.Reason.INVALID, "tariff", e.getMessage()));
        }
    }

    private Optional<Result.Rejection> scheduledConflict(State s, Instant at) {
        TariffVersion scheduled = s.scheduledAt(at);
        return scheduled == null ? Optional.empty() : Optional.of(new Result.Rejection(Result.Reason.CONFLICT, null,
                "version " + scheduled.number() + " of " + scope + " is scheduled for " + scheduled.effectiveFrom()
                        + ": cancel it first (one pending version per scope)"));
    }

    private Optional<Result.Rejection> versionMismatch(Long expected) {
        long current = lastSequenceNumber(ctx);
        if (expected != null && expected != current) {
            return Optional.of(new Result.Rejection(Result.Reason.STALE, null, "tariff " + scope + " is at version "
                    + current + ", not " + expected + ": someone else changed it; reload and try again"));
        }
        return Optional.empty();
    }

    private TariffView view(State s) {
        Instant now = clock.instant();
        List<TariffVersion> history = new ArrayList<>();
        for (int i = s.versions().size() - 1; i >= 0 && history.size() < HISTORY_IN_VIEW; i--) {
            history.add(s.versions().get(i));
        }
        return new TariffView(scope, s.inForceAt(now), s.scheduledAt(now), s.pending(), s.lastDecision(), history,
                s.versions().size(), lastSequenceNumber(ctx));
    }

    /**
     * Version times are kept to the millisecond: the read side's timestamps may hold no more, and a version must be
     * in force from the same instant in the entity and in lists.
     */
    private static Instant millis(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /**
     * When a version published now is in force from: the time asked for, or now if that is later (a late approval
     * never reprices the past), and after every {@code asOf} this entity has answered (so caches stay true).
     */
    private Instant publishedFrom(Instant requested) {
        Instant now = millis(clock.instant());
        Instant from = later(requested, now);
        return from.isAfter(lastAsOf) ? from : lastAsOf.plusMillis(1);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static List<TariffVersion> append(List<TariffVersion> versions, TariffVersion v) {
        List<TariffVersion> out = new ArrayList<>(versions);
        out.add(v);
        return List.copyOf(out);
    }

    private static List<TariffVersion> replace(List<TariffVersion> versions, int number,
                                               java.util.function.UnaryOperator<TariffVersion> f) {
        List<TariffVersion> out = new ArrayList<>(versions);
        out.set(number - 1, f.apply(out.get(number - 1)));
        return List.copyOf(out);
    }

    private static TariffVersion withTookEffect(TariffVersion v, Instant at) {
        return new TariffVersion(v.scope(), v.number(), v.tariff(), v.requestedFrom(), v.effectiveFrom(),
                v.submittedBy(), v.publishedBy(), v.publishedAt(), v.changeId(), at, v.cancelledAt());
    }

    private static TariffVersion withCancelled(TariffVersion v, Instant at) {
        return new TariffVersion(v.scope(), v.number(), v.tariff(), v.requestedFrom(), v.effectiveFrom(),
                v.submittedBy(), v.publishedBy(), v.publishedAt(), v.changeId(), v.tookEffectAt(), at);
    }
}
