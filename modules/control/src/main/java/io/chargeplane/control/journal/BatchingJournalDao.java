package io.chargeplane.control.journal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.persistence.jdbc.config.BaseDaoConfig;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.concurrent.Promise;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.PostgresProfile;

/**
 * The plugin's journal DAO with one change: a batch of events that carries tags is written with two statements
 * (every event, then every tag) instead of one INSERT per event. The plugin needs each tagged event's generated
 * {@code ordering} for its tag rows and asks the database for it row by row (Slick cannot batch an insert that
 * returns keys), so a batch of 400 events cost 400 round trips inside one transaction. Here the batch's columns
 * go as arrays through {@code UNNEST} and the orderings come back in the same statement ({@code RETURNING} on
 * PostgreSQL, a {@code FINAL TABLE} on H2), matched to their events by persistence id and sequence number.
 *
 * <p>Its write queue forms batches as the plugin's does, but appends to them in place (see
 * {@link #queueWriteJournalRows}). Everything else is the plugin's: batches without tags (the charger traffic:
 * status changes, transactions), deletes and reads. Events are inserted in the plugin's order (by
 * sequence number), so each entity's orderings still rise with its sequence numbers, as the by-tag queries expect.
 */
public class BatchingJournalDao extends DefaultJournalDao {
    private static final LongAdder TAGGED_BATCHES = new LongAdder();

    private static final String COLUMNS = "\"deleted\", \"persistence_id\", \"sequence_number\", \"writer\", "
            + "\"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\", \"event_payload\", "
            + "\"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\"";
    private static final String INSERT = "INSERT INTO \"event_journal\" (" + COLUMNS + ") "
            + "SELECT * FROM UNNEST(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * How long a batch may take before its writes fail. The journal's circuit breaker would time each caller's write
     * (a scheduler task per persist, kept in the scheduler's wheel for the whole timeout even once answered); its
     * call timeout is off (persistence.conf) and the batch, which carries hundreds of writes, is timed here instead.
     */
    static final String WRITE_TIMEOUT = "jdbc-journal.write-timeout";
    private static final String INSERT_TAGS = "INSERT INTO \"event_tag\" (\"event_id\", \"tag\") SELECT * FROM UNNEST(?, ?)";

    private final JdbcBackend.JdbcDatabaseDef database;
    private final boolean postgres;
    private final ExecutorService executor;
    private final BoundedSourceQueue<Write> writes;
    private final long writeTimeoutMillis;
    private final io.chargeplane.control.metrics.NodeMetrics metrics;

    public BatchingJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
                              Serialization serialization, ExecutionContext ec, Materializer mat) {
        super(db, profile, journalConfig, serialization, ec, mat);
        this.database = db;
        this.postgres = profile instanceof PostgresProfile;
        BaseDaoConfig config = journalConfig.daoConfig();
        this.executor = BatchingJournal.recoveryThreads(config.parallelism(), "journal-writes");
        this.writeTimeoutMillis = mat.system().settings().config().getDuration(WRITE_TIMEOUT).toMillis(); // persistence.conf
        this.metrics = io.chargeplane.control.metrics.NodeMetrics.get(mat.system());
        // replaces the plugin's queue (which its base class still builds, idle: it is private and never offered to)
        this.writes = Source.<Write>queue(config.bufferSize())
                .batchWeighted(config.batchSize(), w -> (long) w.rows().size(), w -> new Forming().add(w), Forming::add)
                .mapAsync(config.parallelism(), Forming::write)
                .toMat(Sink.ignore(), Keep.left())
                .run(mat);
    }

    /**
     * The plugin's write queue forms batches by appending each caller's rows to an immutable list with {@code ++},
     * which copies the batch so far on every append: up to 400 rows, tens of thousands of list cells per batch (an
     * allocation profile of the message mix put 4.9 % of all allocated bytes there). The same queue and batching
     * (buffer, batch size, parallelism from the plugin's configuration), with each batch appended in place.
     */
    @Override
    public Future<BoxedUnit> queueWriteJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> xs) {
        Promise<BoxedUnit> promise = Promise.apply();
        QueueOfferResult offered = writes.offer(new Write(promise, xs));
        if (offered == QueueOfferResult.enqueued()) {
            return promise.future();
        }
        String why = offered == QueueOfferResult.dropped()
                ? "the queue buffer was full (" + baseDaoConfig().bufferSize()
                        + " elements) please check the jdbc-journal.bufferSize setting"
                : "the queue was closed";
        return Future$.MODULE$.failed(offered instanceof QueueOfferResult.Failure failure
                ? new IllegalStateException("Failed to write journal row batch", failure.cause())
                : new IllegalStateException("Failed to enqueue journal row batch write, " + why));
    }

    /** One caller's rows and the promise to complete once they are written. */
    private record Write(Promise<BoxedUnit> promise, Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    }

    /** A batch being formed: promises and rows in arrival order. */
    private final class Forming {
        private final List<Promise<BoxedUnit>> promises = new ArrayList<>();
        private final List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>();

        Forming add(Write w) {
            promises.add(w.promise());
            rows.addAll(CollectionConverters.asJava(w.rows()));
            return this;
        }

        CompletionStage<BoxedUnit> write() {
            long started = System.nanoTime();
            return FutureConverters.asJava(writeJournalRows(CollectionConverters.asScala(rows).toSeq()))
                    .toCompletableFuture().copy() // a future of our own for the timeout to complete
                    .orTimeout(writeTimeoutMillis, TimeUnit.MILLISECONDS)
                    .handle((done, failure) -> {
                        metrics.journalBatch(rows.size(), System.nanoTime() - started);
                        for (Promise<BoxedUnit> p : promises) {
                            if (failure == null) {
                                p.success(BoxedUnit.UNIT);
                            } else {
                                p.failure(failure);
                            }
                        }
                        return BoxedUnit.UNIT;
                    });
        }
    }

    /** Batches with tags written by this DAO's own statements in this JVM (for tests and diagnostics). */
    public static long taggedBatches() {
        return TAGGED_BATCHES.sum();
    }

    @Override
    public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> xs) {
        List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>(CollectionConverters.asJava(xs));
        if (rows.stream().allMatch(r -> r._2().isEmpty())) {
            return super.writeJournalRows(xs);
        }
        rows.sort(Comparator.comparingLong(r -> r._1().sequenceNumber())); // the plugin's order (a stable sort)
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
            try {
                write(rows);
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
            TAGGED_BATCHES.increment();
            return BoxedUnit.UNIT;
        }, executor));
    }

    void close() {
        executor.shutdown();
    }

    private void write(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) throws SQLException {
        int n = rows.size();
        Boolean[] deleted = new Boolean[n];
        String[] persistenceIds = new String[n];
        Long[] sequenceNumbers = new Long[n];
        String[] writers = new String[n];
        Long[] timestamps = new Long[n];
        String[] adapterManifests = new String[n];
        Integer[] serIds = new Integer[n];
        String[] serManifests = new String[n];
        byte[][] payloads = new byte[n][];
        Integer[] metaSerIds = new Integer[n];
        String[] metaSerManifests = new String[n];
        byte[][] metaPayloads = new byte[n][];
        for (int i = 0; i < n; i++) {
            JournalPekkoSerializationRow r = rows.get(i)._1();
            deleted[i] = r.deleted();
            persistenceIds[i] = r.persistenceId();
            sequenceNumbers[i] = r.sequenceNumber();
            writers[i] = r.writer();
            timestamps[i] = r.writeTimestamp();
            adapterManifests[i] = r.adapterManifest();
            serIds[i] = r.eventSerId();
            serManifests[i] = r.eventSerManifest();
            payloads[i] = r.eventPayload();
            metaSerIds[i] = orNull(r.metaSerId());
            metaSerManifests[i] = orNull(r.metaSerManifest());
            metaPayloads[i] = orNull(r.metaPayload());
        }
        try (Connection c = database.source().createConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, Map<Long, Long>> orderings = new HashMap<>();
                String insert = postgres ? INSERT + " RETURNING \"ordering\", \"persistence_id\", \"sequence_number\""
                        : "SELECT \"ordering\", \"persistence_id\", \"sequence_number\" FROM FINAL TABLE (" + INSERT + ")";
                try (PreparedStatement q = c.prepareStatement(insert)) {
                    Array[] arrays = {
                            c.createArrayOf("boolean", deleted), c.createArrayOf("varchar", persistenceIds),
                            c.createArrayOf("bigint", sequenceNumbers), c.createArrayOf("varchar", writers),
                            c.createArrayOf("bigint", timestamps), c.createArrayOf("varchar", adapterManifests),
                            c.createArrayOf("integer", serIds), c.createArrayOf("varchar", serManifests),
                            c.createArrayOf("bytea", payloads), c.createArrayOf("integer", metaSerIds),
                            c.createArrayOf("varchar", metaSerManifests), c.createArrayOf("bytea", metaPayloads)};
                    for (int i = 0; i < arrays.length; i++) {
                        q.setArray(i + 1, arrays[i]);
                    }
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            orderings.computeIfAbsent(rs.getString(2), k -> new HashMap<>()).put(rs.getLong(3), rs.getLong(1));
                        }
                    }
                }
                List<Long> eventIds = new ArrayList<>();
                List<String> tags = new ArrayList<>();
                for (Tuple2<JournalPekkoSerializationRow, Set<String>> row : rows) {
                    if (row._2().isEmpty()) {
                        continue;
                    }
                    JournalPekkoSerializationRow r = row._1();
                    Long ordering = orderings.getOrDefault(r.persistenceId(), Map.of()).get(r.sequenceNumber());
                    if (ordering == null) {
                        throw new SQLException("no ordering came back for " + r.persistenceId() + " #" + r.sequenceNumber());
                    }
                    for (String tag : CollectionConverters.asJava(row._2())) {
                        eventIds.add(ordering);
                        tags.add(tag);
                    }
                }
                try (PreparedStatement q = c.prepareStatement(INSERT_TAGS)) {
                    q.setArray(1, c.createArrayOf("bigint", eventIds.toArray(Long[]::new)));
                    q.setArray(2, c.createArrayOf("varchar", tags.toArray(String[]::new)));
                    q.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T orNull(Option<?> o) {
        return o.isDefined() ? (T) o.get() : null;
    }
}
