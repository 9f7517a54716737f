package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Result;
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

/**
 * A charger number, keyed by the number itself: which pile holds it. Claims are serialised here, so a number is
 * unique in the network across nodes without a global lock (the same pattern as device identities).
 */
public final class ChargerNumberEntity extends EventSourcedBehaviorWithEnforcedReplies<ChargerNumberEntity.Command,
        ChargerNumberEntity.Event, ChargerNumberEntity.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "ChargerNumber");

    public sealed interface Command extends CborSerializable {
    }

    /** Answers whether the claim is new (a compensation releases only what it claimed). */
    public record Claim(String pileId, Instant at, ActorRef<Result<Boolean>> replyTo) implements Command {
    }

    public record Release(String pileId, Instant at) implements Command {
    }

    /** Who holds the number, and since when (for the repair of a saga a crash interrupted). */
    public record Get(ActorRef<State> replyTo) implements Command {
    }

    /** Repair: the number goes from {@code fromPile} to {@code toPile} if held by it since before {@code claimedBefore}. */
    public record Transfer(String fromPile, String toPile, Instant claimedBefore, Instant at,
                           ActorRef<Result<Boolean>> replyTo) implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    public record NumberClaimed(String pileId, Instant at) implements Event {
    }

    public record NumberReleased(String pileId, Instant at) implements Event {
    }

    public record State(String pileId, Instant since) implements CborSerializable {
    }

    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
    }

    public static Behavior<Command> create(String number) {
        return new ChargerNumberEntity(number);
    }

    private final String number;

    private ChargerNumberEntity(String number) {
        super(PersistenceId.of(ENTITY_KEY.name(), number));
        this.number = number;
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
                .onEvent(NumberClaimed.class, (s, e) -> new State(e.pileId(), e.at()))
                .onEvent(NumberReleased.class, (s, e) -> new State(null, null))
                .build();
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Claim.class, (s, c) -> {
                    if (c.pileId().equals(s.pileId())) {
                        return Effect().reply(c.replyTo(), Result.ok(false));
                    }
                    if (s.pileId() != null) {
                        return Effect().reply(c.replyTo(), Result.rejected(Result.Reason.CONFLICT, "chargerNumber",
                                "charger number " + number + " is already used by pile " + s.pileId()));
                    }
                    return Effect().persist(new NumberClaimed(c.pileId(), c.at())).thenReply(c.replyTo(), ns -> Result.ok(true));
                })
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
                .onCommand(Transfer.class, (s, c) -> !c.fromPile().equals(s.pileId()) || s.since() == null
                        || !s.since().isBefore(c.claimedBefore())
                        ? Effect().reply(c.replyTo(), Result.rejected(Result.Reason.CONFLICT, "chargerNumber", "charger number " + number
                                + " is already used by pile " + s.pileId()))
                        : Effect().persist(java.util.List.of(new NumberReleased(c.fromPile(), c.at()),
                                new NumberClaimed(c.toPile(), c.at()))).thenReply(c.replyTo(), ns -> Result.ok(true)))
                .onCommand(Release.class, (s, c) -> c.pileId().equals(s.pileId())
                        ? Effect().persist(new NumberReleased(c.pileId(), c.at())).thenNoReply()
                        : Effect().noReply())
                .build();
    }
}
