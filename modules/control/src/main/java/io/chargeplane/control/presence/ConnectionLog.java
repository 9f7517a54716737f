package io.chargeplane.control.presence;

import io.chargeplane.control.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;

/**
 * Chargers' connects and disconnects as journal events, so that the event feed orders them with everything else
 * the journal holds (and a client resuming with {@code Last-Event-ID} misses none). One log per node, appended to
 * by the node's {@link PresenceWriter} once a second at most, in one write; it keeps no state and is never
 * recovered (only its highest sequence number is read when it starts).
 */
public final class ConnectionLog
        extends EventSourcedBehavior<ConnectionLog.Command, ConnectionLog.Changed, ConnectionLog.Nothing> {
    public static final String NAME = "ConnectionLog";

    public sealed interface Command {
    }

    /** Append these changes, in this order. */
    public record Append(List<Changed> changes) implements Command {
    }

    /** A charger connected ({@code online}) or its connection ended. */
    public record Changed(String pileId, boolean online, Instant at) implements CborSerializable {
    }

    /** The log's state: there is none. */
    public record Nothing() {
    }

    /** {@code node}: this node's address, so that two nodes never write the same log. */
    public static Behavior<Command> create(String node) {
        return new ConnectionLog(node);
    }

    private ConnectionLog(String node) {
        super(PersistenceId.of(NAME, node.replaceAll("[^A-Za-z0-9.:_-]", "_")),
                SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    }

    @Override
    public Recovery recovery() {
        return Recovery.disabled();
    }

    @Override
    public Nothing emptyState() {
        return new Nothing();
    }

    @Override
    public CommandHandler<Command, Changed, Nothing> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Append.class, (s, a) -> Effect().persist(a.changes()))
                .build();
    }

    @Override
    public EventHandler<Nothing, Changed> eventHandler() {
        return (s, e) -> s;
    }
}
