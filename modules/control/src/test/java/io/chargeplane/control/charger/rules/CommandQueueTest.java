package io.chargeplane.control.charger.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.charger.language.ChargerOperation;
import org.junit.jupiter.api.Test;

class CommandQueueTest {
    private final CommandQueue<String> queue = new CommandQueue<>();

    @Test
    void oneCommandAtATimeIsWithTheChargerOldestFirst() {
        queue.accept("a", new ChargerOperation.Reset(false), "operator-1");
        queue.accept("b", new ChargerOperation.Unlock(1), "operator-2");
        assertEquals("a", queue.next(true).commandId());
        assertNull(queue.next(true), "a is still with the charger");
        assertEquals("operator-1", queue.complete("a"));
        assertEquals("b", queue.next(true).commandId());
    }

    @Test
    void nothingIsSentWhileTheChargerIsAway() {
        queue.accept("a", new ChargerOperation.Reset(false), "operator");
        assertNull(queue.next(false));
        assertEquals("timeout: the charger was not connected to take the call within 15 s", queue.timeoutReason("a", 15));
        assertEquals("operator", queue.complete("a"));
        assertNull(queue.next(true), "a timed-out command is never sent");
    }

    @Test
    void onlyTheCommandInFlightTakesAnAnswerAndTimesOutAsUnanswered() {
        queue.accept("a", new ChargerOperation.Reset(true), "operator");
        queue.next(true);
        assertTrue(queue.isInFlight("a"));
        assertFalse(queue.isInFlight("b"));
        assertEquals("timeout: the charger did not answer within 15 s", queue.timeoutReason("a", 15));
    }

    @Test
    void theQueueIsIdleOnlyWhenNobodyWaits() {
        assertTrue(queue.idle());
        queue.accept("a", new ChargerOperation.Reset(false), "operator");
        assertFalse(queue.idle(), "an operator waits even while the charger is away");
        queue.complete("a");
        assertTrue(queue.idle());
    }
}
