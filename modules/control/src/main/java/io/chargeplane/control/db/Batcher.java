package io.chargeplane.control.db;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs items submitted from any thread in batches on an executor: at most {@code parallelism} batches run at once,
 * and what arrives meanwhile waits and goes together (up to {@code maxWeight}, one per item unless a weight is
 * given) into the next. Nothing waits for a timer: a lone item runs at once, and under load the batches grow by
 * themselves, so that thousands of small SQL statements become a few round trips and transactions. {@code work}
 * answers its items itself (callbacks, futures, logs); an exception it lets out is logged and the next batch runs.
 */
public final class Batcher<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    private final String name;
    private final Executor executor;
    private final int maxWeight;
    private final ToIntFunction<T> weight;
    private final int parallelism;
    private final Consumer<List<T>> work;
    private final ArrayDeque<T> pending = new ArrayDeque<>();
    private int running;

    public Batcher(String name, Executor executor, int maxBatch, int parallelism, Consumer<List<T>> work) {
        this(name, executor, maxBatch, item -> 1, parallelism, work);
    }

    /** Batches weigh at most {@code maxWeight} (say, rows), except a single item that weighs more on its own. */
    public Batcher(String name, Executor executor, int maxWeight, ToIntFunction<T> weight, int parallelism,
                   Consumer<List<T>> work) {
        this.name = name;
        this.executor = executor;
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.parallelism = parallelism;
        this.work = work;
    }

    public void submit(T item) {
        synchronized (this) {
            pending.addLast(item);
            if (running >= parallelism) {
                return;
            }
            running++;
        }
        executor.execute(this::runBatches);
    }

    private void runBatches() {
        while (true) {
            List<T> batch;
            synchronized (this) {
                if (pending.isEmpty()) {
                    running--;
                    return;
                }
                batch = new ArrayList<>(Math.min(maxWeight, pending.size()));
                int weighed = 0;
                while (!pending.isEmpty()) {
                    int next = weight.applyAsInt(pending.peekFirst());
                    if (!batch.isEmpty() && weighed + next > maxWeight) {
                        break;
                    }
                    batch.add(pending.pollFirst());
                    weighed += next;
                }
            }
            try {
                work.accept(batch);
            } catch (RuntimeException e) {
                LOG.warn("{}: a batch of {} failed", name, batch.size(), e);
            }
        }
    }
}
