package io.chargeplane.control.db;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs items submitted from any thread in batches on an executor: at most {@code parallelism} batches run at once,
 * and what arrives meanwhile waits and goes together (up to {@code maxBatch}) into the next. Nothing waits for a
 * timer: a lone item runs at once, and under load the batches grow by themselves, so that thousands of small SQL
 * statements become a few round trips and transactions. {@code work} answers its items itself (futures, logs); an
 * exception it lets out is logged and the next batch runs.
 */
public final class Batcher<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    private final String name;
    private final Executor executor;
    private final int maxBatch;
    private final int parallelism;
    private final Consumer<List<T>> work;
    private final ArrayDeque<T> pending = new ArrayDeque<>();
    private int running;

    public Batcher(String name, Executor executor, int maxBatch, int parallelism, Consumer<List<T>> work) {
        this.name = name;
        this.executor = executor;
        this.maxBatch = maxBatch;
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
                batch = new ArrayList<>(Math.min(maxBatch, pending.size()));
                while (batch.size() < maxBatch && !pending.isEmpty()) {
                    batch.add(pending.pollFirst());
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
