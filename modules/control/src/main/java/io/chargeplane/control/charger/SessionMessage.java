package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;

/** What a charger's socket session (one per WebSocket, in the gateway) accepts from the entities. */
public interface SessionMessage {

    /**
     * Ask the charger to carry out this operation, in its protocol; the answer comes back to the pile as {@link
     * PileCommand.ChargerAnswered} with the same {@code commandId}.
     */
    record SendCall(String commandId,
                    io.chargeplane.control.charger.language.ChargerOperation operation)
            implements SessionMessage, CborSerializable {
    }

    /**
     * The pile took this socket: the session may send its calls straight to {@code pile} (skipping the shard
     * region) until it sees that actor terminate.
     */
    record PileAttached(org.apache.pekko.actor.typed.ActorRef<PileCommand> pile) implements SessionMessage, CborSerializable {
    }

    /** Another socket took over this charger: close this one. */
    record Replaced(String reason) implements SessionMessage, CborSerializable {
    }
}
