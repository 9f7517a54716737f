package io.chargeplane.gateway.ocpp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the calls this node answered InternalError under overload and logs them at most once per interval per
 * cause, for all sessions together: calls shed (unprocessed because they waited too long in their session) and
 * calls whose entity did not answer within entity-ask-timeout. One warning per call made an overloaded node write
 * hundreds of thousands of log lines (233,653 in 30 s of the open-loop benchmark), which took the CPU the calls
 * needed: the node then answered almost nothing but shed errors.
 */
final class ShedLog {
    private static final Logger LOG = LoggerFactory.getLogger(ShedLog.class);

    private final Tally shed;
    private final Tally timedOut;

    ShedLog(Duration interval) {
        this(interval, System::nanoTime);
    }

    ShedLog(Duration interval, LongSupplier nanoTime) {
        this.shed = new Tally(interval.toNanos(), nanoTime);
        this.timedOut = new Tally(interval.toNanos(), nanoTime);
    }

    /** One call shed; logs the count since the last line if the interval has passed. */
    void shed(String identity, long waitedNanos) {
        long n = shed.countAndTakeIfDue();
        if (n > 0) {
            LOG.warn("server overloaded: {} calls shed since the last report (answered InternalError unprocessed: "
                    + "they waited longer than shed-calls-waiting-longer-than, or, while the node is behind, than "
                    + "shed-when-behind-calls-waiting-longer-than), e.g. a call of {} after {} ms",
                    n, identity, waitedNanos / 1_000_000);
        }
    }

    /** One call answered InternalError because its entity did not answer in time; logged like {@link #shed}. */
    void timedOut(String identity, String messageId) {
        long n = timedOut.countAndTakeIfDue();
        if (n > 0) {
            LOG.warn("{} calls answered InternalError since the last report: the charger's entity did not answer "
                    + "within entity-ask-timeout (overload, or a journal or telemetry write that failed or hung), "
                    + "e.g. call {} of {}", n, messageId, identity);
        }
    }

    /** A count that is handed out (and restarted) at most once per interval. */
    private static final class Tally {
        private final long intervalNanos;
        private final LongSupplier nanoTime;
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong lastTaken;

        Tally(long intervalNanos, LongSupplier nanoTime) {
            this.intervalNanos = intervalNanos;
            this.nanoTime = nanoTime;
            this.lastTaken = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
        }

        /** Counts one; returns the count since the last time it was taken if the interval has passed, else 0. */
        long countAndTakeIfDue() {
            count.incrementAndGet();
            long now = nanoTime.getAsLong();
            long last = lastTaken.get();
            if (now - last >= intervalNanos && lastTaken.compareAndSet(last, now)) {
                return count.getAndSet(0);
            }
            return 0;
        }
    }
}
