package io.chargeplane.control.charger.rules;

import io.chargeplane.control.charger.language.ChargerOperation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A charger's commands on their way: accepted ones wait in order, one at a time is with the charger (OCPP-J allows
 * one outstanding CALL per side), and each has a waiter (the operator's request) until it completes. In memory: the
 * persisted side is the pile's open commands, which a restart fails as interrupted, never re-sends.
 *
 * @param <W> whoever waits for a command's outcome
 */
public final class CommandQueue<W> {
    /** An operation to hand to the charger's session now. */
    public record Send(String commandId, ChargerOperation operation) {
    }

    private final Map<String, ChargerOperation> waiting = new LinkedHashMap<>();
    private final Map<String, W> waiters = new HashMap<>();
    private String inFlight;

    public void accept(String commandId, ChargerOperation operation, W waiter) {
        waiting.put(commandId, operation);
        waiters.put(commandId, waiter);
    }

    /** The oldest waiting command, now in flight, if the charger is connected and none is with it; else null. */
    public Send next(boolean connected) {
        if (inFlight != null || !connected || waiting.isEmpty()) {
            return null;
        }
        Map.Entry<String, ChargerOperation> first = waiting.entrySet().iterator().next();
        waiting.remove(first.getKey());
        inFlight = first.getKey();
        return new Send(first.getKey(), first.getValue());
    }

    /** Whether {@code commandId} is the one with the charger: only its answer is taken. */
    public boolean isInFlight(String commandId) {
        return commandId.equals(inFlight);
    }

    /** Why a command that timed out failed: the charger had it and did not answer, or never got it. */
    public String timeoutReason(String commandId, long seconds) {
        return isInFlight(commandId)
                ? "timeout: the charger did not answer within " + seconds + " s"
                : "timeout: the charger was not connected to take the call within " + seconds + " s";
    }

    /** The command is done: out of the queue; its waiter (null if none) is returned to be told. */
    public W complete(String commandId) {
        waiting.remove(commandId);
        if (isInFlight(commandId)) {
            inFlight = null;
        }
        return waiters.remove(commandId);
    }

    /** Nothing with the charger and nobody waiting: the pile may passivate. */
    public boolean idle() {
        return inFlight == null && waiters.isEmpty();
    }
}
