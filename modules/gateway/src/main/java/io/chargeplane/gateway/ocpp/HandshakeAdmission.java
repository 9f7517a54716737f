package io.chargeplane.gateway.ocpp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets at most {@code concurrent} binding lookups run at once; the other handshakes wait their turn in arrival
 * order. A reconnect storm puts thousands of upgrade requests on a restarted node at once, each needing a device
 * entity (and then a pile) recovered from the journal: started all together, they shared the CPU until most hit
 * their time limits and were refused, wasting the work already done. In turn, each finishes in its own short time,
 * and a charger whose socket closed while it waited is skipped.
 */
final class HandshakeAdmission {
    private record Waiting<T>(Supplier<CompletionStage<T>> task, BooleanSupplier wanted, CompletableFuture<T> result,
                              long deadlineNanos) {
    }

    private final int concurrent;
    private final long maxWaitNanos;
    private final ArrayDeque<Waiting<?>> queue = new ArrayDeque<>();
    private int running;
    private boolean draining;

    HandshakeAdmission(int concurrent, Duration maxWait) {
        this.concurrent = concurrent;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** Runs {@code task} when a slot is free and {@code wanted} still holds; fails after the longest wait. */
    <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> task, BooleanSupplier wanted) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            queue.addLast(new Waiting<>(task, wanted, result, System.nanoTime() + maxWaitNanos));
        }
        drain();
        return result;
    }

    synchronized int waiting() {
        return queue.size();
    }

    /**
     * Starts waiting lookups while slots are free. One thread drains at a time; a slot freed meanwhile (also
     * from inside {@link #start}, when a lookup finished at once or was skipped) is picked up by the loop that
     * runs, so a long queue of closed sockets never recurses.
     */
    private void drain() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        while (true) {
            Waiting<?> next;
            synchronized (this) {
                if (running >= concurrent || queue.isEmpty()) {
                    draining = false;
                    return;
                }
                next = queue.pollFirst();
                running++;
            }
            start(next);
        }
    }

    private <T> void start(Waiting<T> w) {
        if (!w.wanted().getAsBoolean()) {
            w.result().cancel(false);
            release();
            return;
        }
        if (System.nanoTime() > w.deadlineNanos()) {
            w.result().completeExceptionally(new TimeoutException("waited too long for a handshake slot"));
            release();
            return;
        }
        CompletionStage<T> stage;
        try {
            stage = w.task().get();
        } catch (RuntimeException e) {
            w.result().completeExceptionally(e);
            release();
            return;
        }
        stage.whenComplete((value, failure) -> {
            release();
            if (failure != null) {
                w.result().completeExceptionally(failure);
            } else {
                w.result().complete(value);
            }
        });
    }

    private void release() {
        synchronized (this) {
            running--;
        }
        drain();
    }
}
