package io.chargeplane.control.charger.rules;

import io.chargeplane.control.charger.language.ChargerOperation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A charger's commands on their way, in memory: the queued ones wait in order, one at a time is with the charger
 * (OCPP-J allows one outstanding CALL per side), and an operator's request may wait for a command's answer. The
 * persisted side is the pile's open commands: after a restart the queue is rebuilt from them ({@link #restore}).
 *
 * @param <W> whoever waits for a command's answer
 */
public final class CommandQueue<W> {
    /** An operation to hand to the charger's session now. */
    public record Send(String commandId, ChargerOperation operation) {
    }

    private final LinkedHashMap<String, ChargerOperation> queued = new LinkedHashMap<>();
    private final Map<String, W> waiters = new HashMap<>();
    private String inFlight;
    private ChargerOperation inFlightOperation;

    /** Whether a call may go out now: the charger is connected and none is with it. */
    public boolean free(boolean connected) {
        return connected && inFlight == null;
    }

    /** A command that waits its turn ({@code waiter} null: nobody waits for its answer). */
    public void accept(String commandId, ChargerOperation operation, W waiter) {
        queued.put(commandId, operation);
        wait(commandId, waiter);
    }

    /** A command that went out as it was accepted (the charger was {@link #free}). */
    public void acceptSent(String commandId, ChargerOperation operation, W waiter) {
        inFlight = commandId;
        inFlightOperation = operation;
        wait(commandId, waiter);
    }

    /** A queued command recovered from the journal, in its order. */
    public void restore(String commandId, ChargerOperation operation) {
        queued.put(commandId, operation);
    }

    private void wait(String commandId, W waiter) {
        if (waiter != null) {
            waiters.put(commandId, waiter);
        }
    }

    /** The oldest queued command, now in flight, if the charger is connected and none is with it; else null. */
    public Send next(boolean connected) {
        if (!free(connected) || queued.isEmpty()) {
            return null;
        }
        Map.Entry<String, ChargerOperation> first = queued.entrySet().iterator().next();
        queued.remove(first.getKey());
        inFlight = first.getKey();
        inFlightOperation = first.getValue();
        return new Send(first.getKey(), first.getValue());
    }

    /** The command {@link #next} picked could not go out after all (the charger left): first in line again. */
    public void putBack(String commandId) {
        if (!commandId.equals(inFlight)) {
            return;
        }
        LinkedHashMap<String, ChargerOperation> again = new LinkedHashMap<>();
        again.put(commandId, inFlightOperation);
        again.putAll(queued);
        queued.clear();
        queued.putAll(again);
        inFlight = null;
        inFlightOperation = null;
    }

    /** Whether {@code commandId} is the one with the charger: only its answer is taken. */
    public boolean isInFlight(String commandId) {
        return commandId.equals(inFlight);
    }

    /** The command with the charger, or null. */
    public String inFlight() {
        return inFlight;
    }

    public boolean isQueued(String commandId) {
        return queued.containsKey(commandId);
    }

    /** The charger answered: the call is no longer with it; the waiter (null if none) is returned to be told. */
    public W answered(String commandId) {
        if (isInFlight(commandId)) {
            inFlight = null;
            inFlightOperation = null;
        }
        return waiters.remove(commandId);
    }

    /** Whoever waits for {@code commandId}, no longer waiting (told where the command is now); null if none. */
    public W takeWaiter(String commandId) {
        return waiters.remove(commandId);
    }

    /** The command is done: out of the queue; its waiter (null if none) is returned to be told. */
    public W complete(String commandId) {
        queued.remove(commandId);
        return answered(commandId);
    }

    /** Why a command that was sent and not answered failed. */
    public static String timeoutReason(long seconds) {
        return "timeout: the charger did not answer within " + seconds + " s";
    }

    /** Nothing with the charger and nobody waiting. */
    public boolean idle() {
        return inFlight == null && waiters.isEmpty();
    }
}
