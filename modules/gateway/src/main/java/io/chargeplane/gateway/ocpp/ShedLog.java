package io.chargeplane.gateway.ocpp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the calls this node shed (answered InternalError unprocessed because they waited too long) and logs
 * them at most once per interval, for all sessions together. One warning per shed call made an overloaded node
 * write hundreds of thousands of log lines (233,653 in 30 s of the open-loop benchmark), which took the CPU the
 * calls needed: the node then answered almost nothing but shed errors.
 */
final class ShedLog {
    private static final Logger LOG = LoggerFactory.getLogger(ShedLog.class);

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong lastLogged;

    ShedLog(Duration interval) {
        this(interval, System::nanoTime);
    }

    ShedLog(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.lastLogged = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
    }

    /** One call shed; logs the count since the last line if the interval has passed. */
    void shed(String identity, long waitedNanos) {
        shed.incrementAndGet();
        long now = nanoTime.getAsLong();
        long last = lastLogged.get();
        if (now - last >= intervalNanos && lastLogged.compareAndSet(last, now)) {
            LOG.warn("server overloaded: {} calls shed since the last report (answered InternalError unprocessed: "
                    + "they waited longer than shed-calls-waiting-longer-than), e.g. a call of {} after {} ms",
                    shed.getAndSet(0), identity, waitedNanos / 1_000_000);
        }
    }
}
