package io.chargeplane.control.device;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Result;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A physical device, keyed by the OCPP identity it connects with. Knows which pile it is bound to; serialises
 * claims on its identity so that one identity is bound to at most one pile. A lookup of an identity that was
 * never bound writes nothing and stops the entity again.
 */
public final class DeviceEntity
        extends EventSourcedBehaviorWithEnforcedReplies<DeviceEntity.Command, DeviceEntity.Event, DeviceEntity.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Device");

    public sealed interface Command extends CborSerializable {
    }

    /** Which pile is this identity bound to? */
    public record Lookup(ActorRef<Binding> replyTo) implements Command {
    }

    /** Bind this identity to a pile (first half of the binding saga). */
    public record Claim(String pileId, ActorRef<Result<Binding>> replyTo) implements Command {
    }

    /** Compensation: the pile refused, give the identity back. */
    public record Release(String pileId, ActorRef<Result<Binding>> replyTo) implements Command {
    }

    /**
     * A new OCPP basic-auth secret for the device bound to {@code pileId}: only its SHA-256 digest is kept (a
     * random 192-bit secret needs no slow hash, and a reconnect storm checks thousands of them at once).
     */
    public record IssueSecret(String pileId, String digest, io.chargeplane.control.Origin origin, Instant at,
                              ActorRef<Result<Binding>> replyTo)
            implements Command {
    }

    /**
     * Repair after a crash half-way through a binding saga: the identity goes from {@code fromPile} to
     * {@code toPile} only if {@code fromPile} still holds it and has held it since before {@code claimedBefore}
     * (the caller checked that {@code fromPile} does not actually use it).
     */
    public record Transfer(String fromPile, String toPile, Instant claimedBefore, Instant at,
                           ActorRef<Result<Binding>> replyTo) implements Command {
    }

    /** The serial number from a BootNotification, recorded and compared (never the key). */
    public record RecordSerial(String serialNumber) implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    public record Bound(String pileId, Instant at) implements Event {
    }

    public record Released(String pileId, Instant at) implements Event {
    }

    public record SerialRecorded(String serialNumber, Instant at) implements Event {
    }

    public record SecretIssued(String digest, Instant at, io.chargeplane.control.Origin origin) implements Event {
    }

    public record State(String pileId, String serialNumber, String secretDigest, Instant boundAt)
            implements CborSerializable {
    }

    /** {@code pileId} null: not bound. {@code secretDigest} null: the device connects without basic auth. */
    public record Binding(String identity, String pileId, String serialNumber, String secretDigest, Instant boundAt)
            implements CborSerializable {
        public boolean bound() {
            return pileId != null;
        }

        /** Whether a basic-auth password matches the issued secret (always true for a device without one). */
        public boolean admits(String password) {
            if (secretDigest == null) {
                return true;
            }
            return password != null && java.security.MessageDigest.isEqual(
                    secretDigest.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    digest(password).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** Hex SHA-256 of a device secret. */
    public static String digest(String secret) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the entity copies its binding after each event (see {@link DeviceBindings}). */
    public interface BindingRecorder {
        BindingRecorder NONE = (binding, seqNr) -> { };

        /** {@code binding} as of the device's event {@code seqNr}; may be written later, or lost. */
        void record(Binding binding, long seqNr);
    }

    /** Devices leave memory after {@code idle} without a message: each is needed at connect, boot and binding. */
    public static void init(ActorSystem<?> system, Clock clock, java.time.Duration idle, BindingRecorder recorder) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> Behaviors.<Command>setup(self -> {
                    self.setLoggerName(DeviceEntity.class); // named, not found by walking the stack at every start
                    return new DeviceEntity(ctx.getEntityId(), clock, self, ctx.getShard(), recorder);
                }))
                .withSettings(ClusterShardingSettings.create(system).withPassivationStrategy(
                        ClusterShardingSettings.create(system).passivationStrategySettings().withIdleEntityPassivation(idle))));
    }

    /** Outside sharding (tests): a stranger's lookup stops the entity itself. */
    public static Behavior<Command> create(String identity, Clock clock) {
        return create(identity, clock, BindingRecorder.NONE);
    }

    /** Outside sharding, copying the binding to {@code recorder}. */
    public static Behavior<Command> create(String identity, Clock clock, BindingRecorder recorder) {
        return Behaviors.setup(self -> new DeviceEntity(identity, clock, self, null, recorder));
    }

    private final String identity;
    private final Clock clock;

    private final ActorContext<Command> context;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final BindingRecorder recorder;

    private DeviceEntity(String identity, Clock clock, ActorContext<Command> context,
                         ActorRef<ClusterSharding.ShardCommand> shard, BindingRecorder recorder) {
        super(PersistenceId.of(ENTITY_KEY.name(), identity));
        this.identity = identity;
        this.clock = clock;
        this.context = context;
        this.shard = shard;
        this.recorder = recorder;
    }

    /** After recovery the copy is rewritten (a no-op when it is current): it may have missed the last event. */
    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), s -> {
                    long seqNr = lastSequenceNumber(context);
                    if (seqNr > 0) {
                        recorder.record(binding(s), seqNr);
                    }
                })
                .build();
    }

    /** The effect of persisting {@code events}, copying the new binding once they are written. */
    private EffectBuilder<Event, State> persistAndCopy(List<Event> events) {
        return Effect().persist(events).thenRun(ns -> recorder.record(binding(ns), lastSequenceNumber(context)));
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.Recovery recovery() {
        return io.chargeplane.control.NoSnapshots.recovery();
    }

    @Override
    public State emptyState() {
        return new State(null, null, null, null);
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Bound.class, (s, e) -> new State(e.pileId(), s.serialNumber(), null, e.at()))
                // a released identity loses its secret: whoever binds it next issues a new one
                .onEvent(Released.class, (s, e) -> new State(null, s.serialNumber(), null, null))
                .onEvent(SerialRecorded.class, (s, e) -> new State(s.pileId(), e.serialNumber(), s.secretDigest(), s.boundAt()))
                .onEvent(SecretIssued.class, (s, e) -> new State(s.pileId(), s.serialNumber(), e.digest(), s.boundAt()))
                .build();
    }

    /** Issuing a password is an operator write: audited (without the digest). */
    @Override
    public java.util.Set<String> tagsFor(Event event) {
        return event instanceof SecretIssued ? java.util.Set.of("device") : java.util.Set.of();
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Lookup.class, this::onLookup)
                .onCommand(Claim.class, this::onClaim)
                .onCommand(Release.class, this::onRelease)
                .onCommand(Transfer.class, (s, c) -> !c.fromPile().equals(s.pileId()) || s.boundAt() == null
                        || !s.boundAt().isBefore(c.claimedBefore())
                        ? Effect().reply(c.replyTo(), Result.rejected(Result.Reason.CONFLICT, "deviceIdentity", "device " + identity
                                + " is bound to pile " + s.pileId()))
                        : persistAndCopy(List.of(new Released(c.fromPile(), c.at()), new Bound(c.toPile(), c.at())))
                                .thenReply(c.replyTo(), ns -> Result.ok(binding(ns))))
                .onCommand(IssueSecret.class, (s, c) -> !c.pileId().equals(s.pileId())
                        ? Effect().reply(c.replyTo(), Result.rejected(Result.Reason.CONFLICT, "deviceIdentity", "device " + identity
                                + " is not bound to pile " + c.pileId()))
                        : persistAndCopy(List.of(new SecretIssued(c.digest(), c.at(), c.origin())))
                                .thenReply(c.replyTo(), ns -> Result.ok(binding(ns))))
                .onCommand(RecordSerial.class, (s, c) -> Objects.equals(s.serialNumber(), c.serialNumber())
                        || c.serialNumber() == null
                        ? Effect().noReply()
                        : persistAndCopy(List.of(new SerialRecorded(c.serialNumber(), clock.instant()))).thenNoReply())
                .build();
    }

    private ReplyEffect<Event, State> onLookup(State s, Lookup c) {
        Binding b = binding(s);
        if (s.pileId() == null && s.serialNumber() == null) {
            // nothing to keep in memory for a stranger; under sharding, passivate (the shard keeps messages that
            // arrive meanwhile, e.g. a claim right after this lookup); a plain stop would drop them
            if (shard != null) {
                shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                return Effect().reply(c.replyTo(), b);
            }
            return Effect().stop().thenReply(c.replyTo(), ns -> b);
        }
        return Effect().reply(c.replyTo(), b);
    }

    private ReplyEffect<Event, State> onClaim(State s, Claim c) {
        if (c.pileId().equals(s.pileId())) {
            return Effect().reply(c.replyTo(), Result.ok(binding(s)));
        }
        if (s.pileId() != null) {
            return Effect().reply(c.replyTo(),
                    Result.rejected(Result.Reason.CONFLICT, "deviceIdentity", "device " + identity + " is already bound to pile " + s.pileId()));
        }
        return persistAndCopy(List.of(new Bound(c.pileId(), clock.instant())))
                .thenReply(c.replyTo(), ns -> Result.ok(binding(ns)));
    }

    private ReplyEffect<Event, State> onRelease(State s, Release c) {
        if (!c.pileId().equals(s.pileId())) {
            return Effect().reply(c.replyTo(), Result.ok(binding(s)));
        }
        return persistAndCopy(List.of(new Released(c.pileId(), clock.instant())))
                .thenReply(c.replyTo(), ns -> Result.ok(binding(ns)));
    }

    private Binding binding(State s) {
        return new Binding(identity, s.pileId(), s.serialNumber(), s.secretDigest(), s.boundAt());
    }
}
