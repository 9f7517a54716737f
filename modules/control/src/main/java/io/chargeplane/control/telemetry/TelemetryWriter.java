package io.chargeplane.control.telemetry;

import io.chargeplane.control.db.Batcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Group commit for meter samples, one per node. Writes that arrive while a batch is being committed wait and go
 * together (up to {@code maxRows} rows) into the next; each writer is told once its samples are committed (or
 * failed), on the thread that committed them. No actor in between: a MeterValues answer waits for its commit and
 * for nothing else (two thread hand-offs fewer than an actor's mailbox on each side).
 */
public final class TelemetryWriter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TelemetryWriter.class);
    private record Write(List<MeterSample> samples, Consumer<Throwable> whenDone) {
    }

    private final TelemetryStore store;
    private final Batcher<Write> batches;
    private final java.util.function.LongConsumer commitNanos;

    /** {@code commitNanos} is told how long each group commit took (the node's metrics). */
    public TelemetryWriter(TelemetryStore store, Executor blocking, int maxRows, int parallelism,
                           java.util.function.LongConsumer commitNanos) {
        this.store = store;
        this.commitNanos = commitNanos;
        this.batches = new Batcher<>("telemetry writes", blocking, maxRows, w -> w.samples().size(), parallelism,
                this::commit);
    }

    /** Store these samples, then run {@code whenDone} with null on success or with the failure. */
    public void write(List<MeterSample> samples, Consumer<Throwable> whenDone) {
        if (samples.isEmpty()) {
            whenDone.accept(null);
            return;
        }
        batches.submit(new Write(samples, whenDone));
    }

    private void commit(List<Write> batch) {
        List<MeterSample> rows = new ArrayList<>();
        batch.forEach(w -> rows.addAll(w.samples()));
        Throwable failure = null;
        long started = System.nanoTime();
        try {
            store.insert(rows);
            commitNanos.accept(System.nanoTime() - started);
        } catch (java.sql.SQLException | RuntimeException e) {
            failure = e;
            LOG.warn("telemetry: a batch of {} MeterValues ({} samples) could not be stored; each is answered "
                    + "InternalError, so that its charger sends it again", batch.size(), rows.size(), e);
        }
        for (Write w : batch) {
            w.whenDone().accept(failure);
        }
    }
}
