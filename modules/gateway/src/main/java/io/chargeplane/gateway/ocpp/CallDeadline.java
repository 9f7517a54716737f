package io.chargeplane.gateway.ocpp;

import java.time.Duration;

/**
 * When a charger's call has waited too long in its session to be processed: it is then answered InternalError
 * unprocessed, and the charger retries. A call waits there only behind the same charger's earlier calls: a charger
 * that waits for each answer, as OCPP-J asks, never has one waiting, whatever the node's load (a restart storm
 * sheds nothing); chargers that send without waiting, or time out and send again, fill the queue when the node
 * answers them slower than they send.
 * <p>
 * Two deadlines, after a circuit breaker. Normally a call is shed once it waited the long one (10 s: its charger
 * has likely given up), so a node that is briefly slow (its first minute, a collection pause, a slow journal
 * write) serves every call, late. A node that shed a call that way is behind for good: at 10,000 calls/s it kept
 * every queue ~10 s long and served every call ~10 s late without ever catching up (docs/benchmarks-history.md, twelfth
 * and thirteenth rounds). So from then on calls are shed once they waited the short deadline (1 s), which drains
 * the queues within seconds, until no call has waited that long for the hold time; then the long deadline is back.
 * A short deadline alone shed ~26,000 calls of a node that was slow only during its first minute at 5,000/s.
 * <p>
 * One per node, shared by all sessions: a volatile time written only when a call is shed.
 */
final class CallDeadline {
    private final long shortNanos;
    private final long longNanos;
    private final long holdNanos;
    /** Until when (System.nanoTime) the node counts as behind; in the past while it is not. */
    private volatile long behindUntil;

    CallDeadline(Duration shortDeadline, Duration longDeadline, Duration hold, long nowNanos) {
        this.longNanos = longDeadline.toNanos();
        this.shortNanos = Math.min(shortDeadline.toNanos(), longNanos);
        this.holdNanos = hold.toNanos();
        this.behindUntil = nowNanos;
    }

    static CallDeadline from(OcppSettings settings) {
        return new CallDeadline(settings.shedBehindAfter(), settings.shedAfter(), settings.shedBehindFor(),
                System.nanoTime());
    }

    /** Whether a call taken up at {@code nowNanos} that was queued at {@code queuedAtNanos} is to be shed. */
    boolean tooLate(long queuedAtNanos, long nowNanos) {
        long waited = nowNanos - queuedAtNanos;
        if (waited <= shortNanos) {
            return false;
        }
        if (waited > longNanos || behind(nowNanos)) {
            behindUntil = nowNanos + holdNanos; // behind, or still: the hold starts again
            return true;
        }
        return false;
    }

    /** Whether calls are shed after the short deadline at {@code nowNanos}. */
    boolean behind(long nowNanos) {
        return nowNanos - behindUntil < 0;
    }
}
