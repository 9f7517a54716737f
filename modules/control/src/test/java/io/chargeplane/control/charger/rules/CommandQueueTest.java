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
        assertFalse(queue.free(true));
        assertEquals("operator-1", queue.complete("a"));
        assertEquals("b", queue.next(true).commandId());
    }

    @Test
    void nothingIsSentWhileTheChargerIsAway() {
        queue.accept("a", new ChargerOperation.Reset(false), null);
        assertNull(queue.next(false));
        assertFalse(queue.free(false));
        assertTrue(queue.isQueued("a"));
        assertNull(queue.complete("a"), "nobody waited: the operator was told it was queued");
        assertNull(queue.next(true), "an ended command is never sent");
    }

    @Test
    void aCommandSentAsItWasAcceptedIsInFlightAndTheNextWaitsBehindIt() {
        assertTrue(queue.free(true));
        queue.acceptSent("a", new ChargerOperation.Reset(true), "operator");
        assertTrue(queue.isInFlight("a"));
        assertFalse(queue.isInFlight("b"));
        queue.accept("b", new ChargerOperation.Unlock(1), null);
        assertNull(queue.next(true));
        assertEquals("operator", queue.answered("a"));
        assertEquals("b", queue.next(true).commandId());
    }

    @Test
    void aPickedCommandPutBackIsFirstInLineAgain() {
        queue.accept("a", new ChargerOperation.ClearCache(), null);
        queue.accept("b", new ChargerOperation.Unlock(1), null);
        assertEquals("a", queue.next(true).commandId());
        queue.putBack("a");
        assertFalse(queue.isInFlight("a"));
        assertEquals("a", queue.next(true).commandId());
    }

    @Test
    void restoredCommandsKeepTheirOrder() {
        queue.restore("x", new ChargerOperation.ClearCache());
        queue.restore("y", new ChargerOperation.ReadConfiguration(java.util.List.of()));
        assertEquals("x", queue.next(true).commandId());
        queue.complete("x");
        assertEquals("y", queue.next(true).commandId());
    }

    @Test
    void theQueueIsIdleOnlyWhenNothingIsInFlightAndNobodyWaits() {
        assertTrue(queue.idle());
        queue.accept("a", new ChargerOperation.Reset(false), "operator");
        assertFalse(queue.idle(), "an operator waits");
        assertEquals("operator", queue.takeWaiter("a"));
        assertTrue(queue.idle(), "told where it is, the operator no longer waits");
        queue.next(true);
        assertFalse(queue.idle(), "with the charger");
        queue.complete("a");
        assertTrue(queue.idle());
    }

    @Test
    void theTimeoutSaysTheChargerDidNotAnswer() {
        assertEquals("timeout: the charger did not answer within 15 s", CommandQueue.timeoutReason(15));
    }
}
