package io.chargeplane.control.idtag;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.language.Authorization;
import java.time.Clock;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/** An id tag (RFID card or app token) that Authorize, StartTransaction and StopTransaction check. */
public final class IdTagEntity
        extends EventSourcedBehaviorWithEnforcedReplies<IdTagEntity.Command, IdTagEntity.Event, IdTagEntity.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "IdTag");

    public sealed interface Command extends CborSerializable {
    }

    /** Create or change the tag. {@code status}: Accepted, Blocked, Expired or Invalid. */
    public record Put(String status, Instant expiryDate, String parentIdTag, io.chargeplane.control.Origin origin,
                      ActorRef<Result<TagView>> replyTo) implements Command {
    }

    public record Get(ActorRef<Result<TagView>> replyTo) implements Command {
    }

    /** The authorization to answer a charger with, at {@code at}. */
    public record Authorize(Instant at, ActorRef<Authorization> replyTo) implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    /** {@code origin} is null in events written before operators signed in. */
    public record TagPut(String status, Instant expiryDate, String parentIdTag, Instant at,
                         io.chargeplane.control.Origin origin) implements Event {
    }

    public record State(String status, Instant expiryDate, String parentIdTag) implements CborSerializable {
        boolean exists() {
            return status != null;
        }
    }

    public record TagView(String idTag, String status, Instant expiryDate, String parentIdTag) implements CborSerializable {
    }

    public static void init(ActorSystem<?> system, Clock clock) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), clock)));
    }

    public static Behavior<Command> create(String idTag, Clock clock) {
        return new IdTagEntity(idTag, clock);
    }

    private final String idTag;
    private final Clock clock;

    private IdTagEntity(String idTag, Clock clock) {
        super(PersistenceId.of(ENTITY_KEY.name(), idTag));
        this.idTag = idTag;
        this.clock = clock;
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.Recovery recovery() {
        return io.chargeplane.control.NoSnapshots.recovery();
    }

    @Override
    public State emptyState() {
        return new State(null, null, null);
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(TagPut.class, (s, e) -> new State(e.status(), e.expiryDate(), e.parentIdTag()))
                .build();
    }

    /** Every change feeds the read side (tag list and search, audit). */
    @Override
    public java.util.Set<String> tagsFor(Event event) {
        return java.util.Set.of("idtag");
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Put.class, (s, c) -> {
                    try {
                        Authorization.Status.ofTag(c.status());
                    } catch (RuntimeException e) {
                        return Effect().reply(c.replyTo(),
                                Result.rejected(Result.Reason.INVALID, "status", "status must be Accepted, Blocked, Expired or Invalid"));
                    }
                    if (c.parentIdTag() != null && c.parentIdTag().equals(idTag)) {
                        return Effect().reply(c.replyTo(), Result.rejected(Result.Reason.INVALID, "parentIdTag", "a tag cannot be its own parent"));
                    }
                    return Effect().persist(new TagPut(c.status(), c.expiryDate(), c.parentIdTag(), clock.instant(), c.origin()))
                            .thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
                })
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.exists()
                        ? Result.ok(view(s)) : Result.rejected(Result.Reason.NOT_FOUND, null, "id tag " + idTag + " does not exist")))
                .onCommand(Authorize.class, (s, c) -> Effect().reply(c.replyTo(), info(s, c.at())))
                .build();
    }

    private Authorization info(State s, Instant at) {
        if (!s.exists()) {
            return Authorization.unknown();
        }
        Authorization.Status status = Authorization.Status.ofTag(s.status());
        if (status == Authorization.Status.ACCEPTED && s.expiryDate() != null && !at.isBefore(s.expiryDate())) {
            status = Authorization.Status.EXPIRED;
        }
        return new Authorization(status, s.expiryDate(), s.parentIdTag());
    }

    private TagView view(State s) {
        return new TagView(idTag, s.status(), s.expiryDate(), s.parentIdTag());
    }
}
