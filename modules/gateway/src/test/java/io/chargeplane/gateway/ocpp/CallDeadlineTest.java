package io.chargeplane.gateway.ocpp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node sheds calls after the long deadline until it is behind, then after the short one until it caught up. */
class CallDeadlineTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final CallDeadline deadline = new CallDeadline(Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(10), 0);

    private boolean shed(long waited, long now) {
        return deadline.tooLate(now - waited, now);
    }

    @Test
    void aNodeThatIsOnlySlowServesCallsThatWaitedUpToTheLongDeadline() {
        for (long t = SECOND; t < 60 * SECOND; t += SECOND / 10) {
            assertFalse(shed(9 * SECOND, t));
        }
        assertFalse(deadline.behind(60 * SECOND));
    }

    @Test
    void aCallPastTheLongDeadlineIsShedAndPutsTheNodeBehind() {
        assertTrue(shed(10 * SECOND + 1, SECOND));
        assertTrue(deadline.behind(SECOND + 1));
        assertTrue(shed(1 * SECOND + 1, 2 * SECOND), "behind: shed after the short deadline");
        assertFalse(shed(SECOND, 2 * SECOND), "a call within the short deadline is served");
    }

    @Test
    void theNodeCatchesUpOnceNoCallWaitedPastTheShortDeadlineForTheHoldTime() {
        shed(11 * SECOND, 0);
        assertTrue(shed(2 * SECOND, 5 * SECOND), "still behind: the hold starts again");
        assertFalse(shed(500 * MS, 14 * SECOND));
        assertTrue(deadline.behind(15 * SECOND - 1));
        assertFalse(deadline.behind(15 * SECOND), "10 s without a call past the short deadline");
        assertFalse(shed(2 * SECOND, 15 * SECOND), "the long deadline is back");
    }

    @Test
    void aLongDeadlineBelowTheShortOneIsBoth() {
        CallDeadline strict = new CallDeadline(Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofSeconds(10), 0);
        assertTrue(strict.tooLate(0, 2 * MS));
        assertFalse(strict.tooLate(0, MS / 2));
    }
}
