package io.chargeplane.control.journal;

import com.typesafe.config.Config;
import io.chargeplane.control.db.Batcher;
import io.chargeplane.control.db.Lookups;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The event journal: pekko-persistence-jdbc's, with the two queries of every recovery (the highest sequence number,
 * then the events) run in batches across the entities recovering at that moment. A reconnect storm recovers
 * thousands of piles and a charger set-up four entities per charger; one by one, each recovery cost two round trips,
 * a streaming query (a stream materialised per entity) and the pool hand-offs of both. Batched, up to
 * {@value #BATCH} highest sequence numbers cost one indexed query, and the events of as many replays as hold up to
 * {@value #MAX_EVENTS_PER_BATCH} events another.
 *
 * <p>Writes go through the plugin's write queue; batches that carry tags are written by {@link BatchingJournalDao}
 * (configured as the plugin's {@code dao}). Deletes and the read journal are the plugin's, unchanged. Recovery falls back to the plugin's own path
 * where batching could change the answer or hold too much at once: a highest sequence number asked while a write
 * of the same entity is in flight (the plugin waits for that write), and a replay of more than
 * {@value #MAX_BATCHED_REPLAY} events or of fewer than its range holds.
 */
public class BatchingJournal extends JdbcAsyncWriteJournal {
    static final int BATCH = 256;
    static final int MAX_BATCHED_REPLAY = 1_000;
    static final int MAX_EVENTS_PER_BATCH = 20_000;

    private record Replay(String persistenceId, long from, long to, Function1<PersistentRepr, BoxedUnit> callback,
                          CompletableFuture<BoxedUnit> done) {
    }

    private static final LongAdder BATCHED_REPLAYS = new LongAdder();

    private final Serialization serialization;
    private final ExecutorService executor;
    private final Lookups<String, Long> highest;
    private final Batcher<Replay> replays;
    private final Map<String, Future<?>> writing = new ConcurrentHashMap<>();

    public BatchingJournal(Config config) {
        super(config);
        this.serialization = SerializationExtension.get(context().system());
        int parallelism = recoveryParallelism(config);
        this.executor = recoveryThreads(parallelism, "journal-recovery");
        this.highest = new Lookups<>("journal highest sequence numbers", executor, BATCH, parallelism,
                this::readHighest, id -> 0L);
        // weighed in events, so that a batch of long histories does not hold hundreds of thousands of events at once
        this.replays = new Batcher<>("journal replays", executor, MAX_EVENTS_PER_BATCH,
                r -> (int) (r.to() - r.from() + 1), parallelism, this::replay);
    }

    static int recoveryParallelism(Config config) {
        return config.hasPath("recovery-parallelism") ? config.getInt("recovery-parallelism") : 2;
    }

    /** The threads a plugin runs its recovery batches on: blocking JDBC, off the actors' and Slick's threads. */
    static ExecutorService recoveryThreads(int parallelism, String name) {
        return Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Replays served by batches in this JVM since it started (for tests and diagnostics). */
    public static long batchedReplays() {
        return BATCHED_REPLAYS.sum();
    }

    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
        String persistenceId = messages.head().persistenceId();
        writing.put(persistenceId, written);
        FutureConverters.asJava(written).whenComplete((r, e) -> writing.remove(persistenceId, written));
        return written;
    }

    @Override
    public Future<Object> asyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        if (writing.containsKey(persistenceId)) {
            return super.asyncReadHighestSequenceNr(persistenceId, fromSequenceNr);
        }
        return FutureConverters.asScala(highest.get(persistenceId).thenApply(seqNr -> (Object) seqNr));
    }

    @Override
    public Future<BoxedUnit> asyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                                 Function1<PersistentRepr, BoxedUnit> recoveryCallback) {
        long from = Math.max(1, fromSequenceNr);
        if (toSequenceNr < from) {
            return Future.successful(BoxedUnit.UNIT);
        }
        long span = toSequenceNr - from; // events in the range, minus one; no overflow for from >= 1
        if (span >= MAX_BATCHED_REPLAY || span >= max) {
            return super.asyncReplayMessages(persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);
        }
        CompletableFuture<BoxedUnit> done = new CompletableFuture<>();
        replays.submit(new Replay(persistenceId, from, toSequenceNr, recoveryCallback, done));
        return FutureConverters.asScala(done);
    }

    @Override
    public void postStop() {
        super.postStop();
        executor.shutdown();
        if (journalDao() instanceof BatchingJournalDao writes) {
            writes.close();
        }
    }

    private Connection connection() throws SQLException {
        return db().source().createConnection();
    }

    /** One aggregate over the journal's primary key for the whole batch; an entity without events has none. */
    private Map<String, Long> readHighest(Set<String> persistenceIds) throws SQLException {
        Map<String, Long> found = new HashMap<>();
        try (Connection c = connection();
             PreparedStatement q = c.prepareStatement("SELECT \"persistence_id\", MAX(\"sequence_number\") "
                     + "FROM \"event_journal\" WHERE \"persistence_id\" = ANY(?) GROUP BY \"persistence_id\"")) {
            q.setArray(1, c.createArrayOf("varchar", persistenceIds.toArray(String[]::new)));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return found;
    }

    /**
     * One query for the whole batch, each entity's range joined to the primary key; each entity's events go to its
     * callback in order, then its replay completes. An entity asked twice in one batch (two incarnations) is read
     * twice.
     */
    private void replay(List<Replay> batch) {
        String[] ids = new String[batch.size()];
        Long[] froms = new Long[batch.size()];
        Long[] tos = new Long[batch.size()];
        Map<String, List<Replay>> byId = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Replay r = batch.get(i);
            ids[i] = r.persistenceId();
            froms[i] = r.from();
            tos[i] = r.to();
            byId.computeIfAbsent(r.persistenceId(), k -> new ArrayList<>(1)).add(r);
        }
        Map<Replay, List<PersistentRepr>> events = new IdentityHashMap<>();
        try (Connection c = connection();
             PreparedStatement q = c.prepareStatement("SELECT j.\"persistence_id\", j.\"sequence_number\", "
                     + "j.\"writer\", j.\"write_timestamp\", j.\"adapter_manifest\", j.\"event_ser_id\", "
                     + "j.\"event_ser_manifest\", j.\"event_payload\", j.\"meta_ser_id\", j.\"meta_ser_manifest\", "
                     + "j.\"meta_payload\" FROM UNNEST(?, ?, ?) AS r(pid, lo, hi) JOIN \"event_journal\" j "
                     + "ON j.\"persistence_id\" = r.pid AND j.\"sequence_number\" BETWEEN r.lo AND r.hi "
                     + "WHERE j.\"deleted\" = FALSE ORDER BY j.\"persistence_id\", j.\"sequence_number\"")) {
            q.setArray(1, c.createArrayOf("varchar", ids));
            q.setArray(2, c.createArrayOf("bigint", froms));
            q.setArray(3, c.createArrayOf("bigint", tos));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long seqNr = rs.getLong(2);
                    PersistentRepr repr = null;
                    for (Replay r : byId.get(id)) {
                        if (seqNr < r.from() || seqNr > r.to()) {
                            continue;
                        }
                        if (repr == null) {
                            repr = toRepr(rs, id, seqNr);
                        }
                        events.computeIfAbsent(r, k -> new ArrayList<>()).add(repr);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            batch.forEach(r -> r.done().completeExceptionally(e));
            return;
        }
        for (Replay r : batch) {
            try {
                for (PersistentRepr repr : events.getOrDefault(r, List.of())) {
                    r.callback().apply(repr);
                }
                BATCHED_REPLAYS.increment();
                r.done().complete(BoxedUnit.UNIT);
            } catch (RuntimeException e) {
                r.done().completeExceptionally(e);
            }
        }
    }

    private PersistentRepr toRepr(ResultSet rs, String persistenceId, long seqNr) throws SQLException {
        Object payload = serialization.deserialize(rs.getBytes(8), rs.getInt(6), rs.getString(7)).get();
        String manifest = rs.getString(5);
        PersistentRepr repr = PersistentRepr$.MODULE$.apply(payload, seqNr, persistenceId,
                manifest == null ? PersistentRepr$.MODULE$.Undefined() : manifest, false, null, rs.getString(3));
        Object meta = metadata(serialization, rs, 9);
        return (meta == null ? repr : repr.withMetadata(meta)).withTimestamp(rs.getLong(4));
    }

    /**
     * The metadata stored beside an event or snapshot (columns {@code meta_ser_id}, {@code meta_ser_manifest},
     * {@code meta_payload} from {@code column} on), or null when there is none.
     */
    static Object metadata(Serialization serialization, ResultSet rs, int column) throws SQLException {
        int serId = rs.getInt(column);
        boolean present = !rs.wasNull();
        byte[] payload = rs.getBytes(column + 2);
        if (!present || payload == null) {
            return null;
        }
        String manifest = rs.getString(column + 1);
        return serialization.deserialize(payload, serId, manifest == null ? "" : manifest).get();
    }
}
