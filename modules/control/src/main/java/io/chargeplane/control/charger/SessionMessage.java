package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;

/** What a charger's socket session (one per WebSocket, in the gateway) accepts from the entities. */
public interface SessionMessage {

    /** Send this CALL to the charger; its answer comes back to the pile as {@link PileCommand.ChargerAnswered}. */
    record SendCall(String messageId, String action, String payloadJson) implements SessionMessage, CborSerializable {
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
