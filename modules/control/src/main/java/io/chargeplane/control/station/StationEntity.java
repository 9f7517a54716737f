package io.chargeplane.control.station;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.review.Decision;
import io.chargeplane.control.review.PendingChange;
import io.chargeplane.control.review.ReviewRules;
import io.chargeplane.control.review.SaveMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A charging station (S2-S4): its live details, at most one change waiting for review, a draft before it first
 * goes live, and the chargers assigned to it. Lifecycle: draft -> pending review -> active (or rejected with a
 * comment) -> decommissioned. Its version (the journal sequence number) is the REST ETag.
 */
public final class StationEntity
        extends EventSourcedBehaviorWithEnforcedReplies<StationEntity.Command, StationEntity.Event, StationEntity.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Station");

    public enum Status { DRAFT, PENDING_REVIEW, ACTIVE, REJECTED, DECOMMISSIONED }

    public sealed interface Command extends CborSerializable {
    }

    /**
     * Create ({@code create}: the station must not exist yet) or edit; {@code expectedVersion} (If-Match) null
     * means "whatever the current version is".
     */
    public record Save(boolean create, StationDetails details, SaveMode mode, Long expectedVersion, Origin origin,
                       Instant at, ActorRef<Result<StationView>> replyTo) implements Command {
    }

    public record Approve(String changeId, String comment, Origin origin, Instant at,
                          ActorRef<Result<StationView>> replyTo) implements Command {
    }

    public record Reject(String changeId, String comment, Origin origin, Instant at,
                         ActorRef<Result<StationView>> replyTo) implements Command {
    }

    public record Decommission(Long expectedVersion, Origin origin, Instant at, ActorRef<Result<StationView>> replyTo)
            implements Command {
    }

    public record Get(ActorRef<Result<StationView>> replyTo) implements Command {
    }

    /** A pile whose registration now names this station, and when. */
    public record Assignment(String pileId, Instant at) implements CborSerializable {
    }

    /**
     * From piles whose registration now names this station (idempotent), batched per node by
     * {@link StationAssignments}; answers the number of chargers the station then has.
     */
    public record AssignChargers(List<Assignment> assignments, ActorRef<Result<Integer>> replyTo) implements Command {
    }

    /** From a pile that moved to another station (idempotent); answers the number of chargers the station keeps. */
    public record UnassignCharger(String pileId, Instant at, ActorRef<Result<Integer>> replyTo) implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    public record DraftSaved(StationDetails details, Origin origin, Instant at) implements Event {
    }

    public record ChangeSubmitted(String changeId, StationDetails details, Origin origin, Instant at) implements Event {
    }

    /** The live details changed: approved ({@code changeId} set) or applied directly. Keeps before and after. */
    public record ChangeApplied(String changeId, StationDetails before, StationDetails after, Origin origin, Instant at)
            implements Event {
    }

    public record ChangeRejected(String changeId, String comment, Origin origin, Instant at) implements Event {
    }

    public record Decommissioned(Origin origin, Instant at) implements Event {
    }

    public record ChargerAssigned(String pileId, Instant at) implements Event {
    }

    public record ChargerUnassigned(String pileId, Instant at) implements Event {
    }

    /** New station details waiting for review. */
    public record PendingStationChange(String changeId, StationDetails proposed, String submittedBy, Instant submittedAt)
            implements PendingChange, CborSerializable {
    }

    /**
     * {@code chargers} is the one mutable part: the event handlers add and remove in place (a station may hold
     * thousands; a copy per assignment made a large import quadratic), and it never leaves the entity: views copy it.
     */
    public record State(Status status, StationDetails live, StationDetails draft,
                        PendingStationChange pending, Decision lastDecision, LinkedHashSet<String> chargers)
            implements CborSerializable {
        boolean exists() {
            return status != null;
        }
    }

    /** What the REST API shows: the live details, the draft, the change waiting for review, and the version. */
    public record StationView(String stationId, Status status, StationDetails live, StationDetails draft,
                              PendingStationChange pending, Decision lastDecision, List<String> chargers,
                              long version) implements CborSerializable {
    }

    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
    }

    public static Behavior<Command> create(String stationId) {
        return Behaviors.setup(ctx -> new StationEntity(ctx, stationId));
    }

    private final ActorContext<Command> ctx;
    private final String stationId;

    private StationEntity(ActorContext<Command> ctx, String stationId) {
        super(PersistenceId.of(ENTITY_KEY.name(), stationId));
        this.ctx = ctx;
        this.stationId = stationId;
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.Recovery recovery() {
        return io.chargeplane.control.NoSnapshots.recovery();
    }

    @Override
    public State emptyState() {
        return new State(null, null, null, null, null, new LinkedHashSet<>());
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(DraftSaved.class, (s, e) -> new State(Status.DRAFT, s.live(), e.details(), null,
                        s.lastDecision(), s.chargers()))
                .onEvent(ChangeSubmitted.class, (s, e) -> new State(s.live() == null ? Status.PENDING_REVIEW : Status.ACTIVE,
                        s.live(), s.draft(), new PendingStationChange(e.changeId(), e.details(), e.origin().by(), e.at()),
                        s.lastDecision(), s.chargers()))
                .onEvent(ChangeApplied.class, (s, e) -> new State(Status.ACTIVE, e.after(), null, null,
                        e.changeId() == null ? s.lastDecision()
                                : new Decision(e.changeId(), true, null, e.origin().by(), e.at()), s.chargers()))
                .onEvent(ChangeRejected.class, (s, e) -> new State(s.live() == null ? Status.REJECTED : Status.ACTIVE,
                        s.live(), s.live() == null ? s.pending().proposed() : s.draft(), null,
                        new Decision(e.changeId(), false, e.comment(), e.origin().by(), e.at()), s.chargers()))
                .onEvent(Decommissioned.class, (s, e) -> new State(Status.DECOMMISSIONED, s.live(), null, null,
                        s.lastDecision(), s.chargers()))
                .onEvent(ChargerAssigned.class, (s, e) -> {
                    s.chargers().add(e.pileId());
                    return s;
                })
                .onEvent(ChargerUnassigned.class, (s, e) -> {
                    s.chargers().remove(e.pileId());
                    return s;
                })
                .build();
    }

    /** Every station event feeds the read side (lists, review queue, audit): see {@code readside/StationProjection}. */
    @Override
    public java.util.Set<String> tagsFor(Event event) {
        return java.util.Set.of("station");
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.exists() ? Result.ok(view(s)) : notFound()))
                .onCommand(Save.class, this::onSave)
                .onCommand(Approve.class, this::onApprove)
                .onCommand(Reject.class, this::onReject)
                .onCommand(Decommission.class, this::onDecommission)
                .onCommand(AssignChargers.class, this::onAssign)
                .onCommand(UnassignCharger.class, (s, c) -> !s.chargers().contains(c.pileId())
                        ? Effect().reply(c.replyTo(), Result.ok(s.chargers().size()))
                        : Effect().persist(new ChargerUnassigned(c.pileId(), c.at()))
                                .thenReply(c.replyTo(), ns -> Result.ok(ns.chargers().size())))
                .build();
    }

    /** One journal write for the batch: an event per charger not yet at the station. */
    private ReplyEffect<Event, State> onAssign(State s, AssignChargers c) {
        if (!s.exists()) {
            return Effect().reply(c.replyTo(), Result.rejected(Result.Reason.NOT_FOUND, null, "no station " + stationId));
        }
        List<Event> events = new ArrayList<>();
        java.util.Set<String> added = new java.util.HashSet<>();
        for (Assignment a : c.assignments()) {
            if (!s.chargers().contains(a.pileId()) && added.add(a.pileId())) {
                events.add(new ChargerAssigned(a.pileId(), a.at()));
            }
        }
        if (events.isEmpty()) {
            return Effect().reply(c.replyTo(), Result.ok(s.chargers().size()));
        }
        return Effect().persist(events).thenReply(c.replyTo(), ns -> Result.ok(ns.chargers().size()));
    }

    private ReplyEffect<Event, State> onSave(State s, Save c) {
        Optional<Result.Rejection> wrong = c.details().validate()
                .or(() -> c.create() && s.exists()
                        ? Optional.of(new Result.Rejection(Result.Reason.CONFLICT, "stationId", "station " + stationId + " already exists"))
                        : Optional.empty())
                .or(() -> !c.create() && !s.exists() ? exists(s) : Optional.empty())
                .or(() -> versionMismatch(s, c.expectedVersion()))
                .or(() -> s.status() == Status.DECOMMISSIONED
                        ? Optional.of(new Result.Rejection(Result.Reason.CONFLICT, null, "station " + stationId + " is decommissioned"))
                        : Optional.empty())
                .or(() -> ReviewRules.canSave(s.pending(), c.mode(), s.live() != null));
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        Event event = switch (c.mode()) {
            case DRAFT -> new DraftSaved(c.details(), c.origin(), c.at());
            case REVIEW -> new ChangeSubmitted(UUID.randomUUID().toString(), c.details(), c.origin(), c.at());
            case DIRECT -> new ChangeApplied(null, s.live(), c.details(), c.origin(), c.at());
        };
        return Effect().persist(event).thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private ReplyEffect<Event, State> onApprove(State s, Approve c) {
        Optional<Result.Rejection> wrong = exists(s).or(() -> ReviewRules.canDecide(s.pending(), c.changeId(), c.origin().by()));
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        return Effect().persist(new ChangeApplied(c.changeId(), s.live(), s.pending().proposed(), c.origin(), c.at()))
                .thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private ReplyEffect<Event, State> onReject(State s, Reject c) {
        Optional<Result.Rejection> wrong = exists(s).or(() -> ReviewRules.canDecide(s.pending(), c.changeId(), c.origin().by()));
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        return Effect().persist(new ChangeRejected(c.changeId(), c.comment(), c.origin(), c.at()))
                .thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private ReplyEffect<Event, State> onDecommission(State s, Decommission c) {
        Optional<Result.Rejection> wrong = exists(s).or(() -> versionMismatch(s, c.expectedVersion()));
        if (wrong.isEmpty() && s.status() == Status.DECOMMISSIONED) {
            return Effect().reply(c.replyTo(), Result.ok(view(s)));
        }
        if (wrong.isEmpty() && s.pending() != null) {
            wrong = Optional.of(new Result.Rejection(Result.Reason.CONFLICT, null, "a change is waiting for review: decide it first"));
        }
        if (wrong.isEmpty() && !s.chargers().isEmpty()) {
            // a station may hold thousands: the problem names the first few and the count
            String named = String.join(", ", s.chargers().stream().limit(10).toList());
            wrong = Optional.of(new Result.Rejection(Result.Reason.CONFLICT, null, "station still has " + s.chargers().size()
                    + (s.chargers().size() == 1 ? " charger (" : " chargers (") + named
                    + (s.chargers().size() > 10 ? ", ..." : "") + "): move or decommission them first"));
        }
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        return Effect().persist(new Decommissioned(c.origin(), c.at())).thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private Optional<Result.Rejection> exists(State s) {
        return s.exists() ? Optional.empty() : Optional.of(new Result.Rejection(Result.Reason.NOT_FOUND, null, "no station " + stationId));
    }

    private Optional<Result.Rejection> versionMismatch(State s, Long expected) {
        long current = version();
        if (expected != null && expected != current) {
            return Optional.of(new Result.Rejection(Result.Reason.STALE, null, "station " + stationId + " is at version " + current
                    + ", not " + expected + ": someone else changed it; reload and try again"));
        }
        return Optional.empty();
    }

    private long version() {
        return lastSequenceNumber(ctx);
    }

    private StationView view(State s) {
        return new StationView(stationId, s.status(), s.live(), s.draft(), s.pending(), s.lastDecision(),
                new ArrayList<>(s.chargers()), version());
    }

    private Result<StationView> notFound() {
        return Result.rejected(Result.Reason.NOT_FOUND, null, "no station " + stationId);
    }
}
