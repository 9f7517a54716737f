package io.chargeplane.control.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Group commit for meter samples, one per node. Writes that arrive while a batch is being committed wait and
 * go together in the next batch; each writer is told once its samples are committed (or failed).
 */
public final class TelemetryWriter extends AbstractBehavior<TelemetryWriter.Command> {

    public interface Command {
    }

    /** Store these samples, then run {@code whenDone} with null on success or the failure. */
    public record Write(List<MeterSample> samples, Consumer<Throwable> whenDone) implements Command {
    }

    private record Flushed(List<Write> batch, Throwable failure) implements Command {
    }

    private final TelemetryStore store;
    private final Executor blocking;
    private final int maxRows;
    private final int parallelism;
    private List<Write> pending = new ArrayList<>();
    private int pendingRows;
    private int inFlight;

    public static Behavior<Command> create(TelemetryStore store, Executor blocking, int maxRows, int parallelism) {
        return Behaviors.setup(ctx -> new TelemetryWriter(ctx, store, blocking, maxRows, parallelism));
    }

    private TelemetryWriter(ActorContext<Command> ctx, TelemetryStore store, Executor blocking, int maxRows,
                            int parallelism) {
        super(ctx);
        this.store = store;
        this.blocking = blocking;
        this.maxRows = maxRows;
        this.parallelism = parallelism;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Write.class, this::onWrite)
                .onMessage(Flushed.class, this::onFlushed)
                .build();
    }

    private Behavior<Command> onWrite(Write w) {
        if (w.samples().isEmpty()) {
            w.whenDone().accept(null);
            return this;
        }
        pending.add(w);
        pendingRows += w.samples().size();
        flushIfPossible();
        return this;
    }

    private Behavior<Command> onFlushed(Flushed f) {
        inFlight--;
        for (Write w : f.batch()) {
            w.whenDone().accept(f.failure());
        }
        flushIfPossible();
        return this;
    }

    private void flushIfPossible() {
        while (inFlight < parallelism && !pending.isEmpty()) {
            List<Write> batch = takeBatch();
            List<MeterSample> rows = new ArrayList<>();
            batch.forEach(w -> rows.addAll(w.samples()));
            inFlight++;
            getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
                try {
                    store.insert(rows);
                } catch (java.sql.SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, blocking), (ok, failure) -> new Flushed(batch, failure));
        }
    }

    private List<Write> takeBatch() {
        if (pendingRows <= maxRows) {
            List<Write> all = pending;
            pending = new ArrayList<>();
            pendingRows = 0;
            return all;
        }
        List<Write> batch = new ArrayList<>();
        int rows = 0;
        while (!pending.isEmpty() && (batch.isEmpty() || rows + pending.get(0).samples().size() <= maxRows)) {
            Write w = pending.remove(0);
            rows += w.samples().size();
            batch.add(w);
        }
        pendingRows -= rows;
        return batch;
    }
}
