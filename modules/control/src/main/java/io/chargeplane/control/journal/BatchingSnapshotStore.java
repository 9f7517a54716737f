package io.chargeplane.control.journal;

import com.typesafe.config.Config;
import io.chargeplane.control.db.Lookups;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.jdbc.snapshot.JdbcSnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.Option;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * The snapshot store: pekko-persistence-jdbc's, with the snapshot query that starts a recovery (the latest snapshot
 * of the entity) run in batches across the entities recovering at that moment, like the journal's queries
 * ({@link BatchingJournal}). Any other selection (a maximum sequence number or timestamp), saves and deletes are
 * the plugin's own.
 */
public class BatchingSnapshotStore extends JdbcSnapshotStore {
    private static final LongAdder BATCHED_LOADS = new LongAdder();

    private final Serialization serialization;
    private final ExecutorService executor;
    private final Lookups<String, SelectedSnapshot> latest;

    public BatchingSnapshotStore(Config config) {
        super(config);
        this.serialization = SerializationExtension.get(context().system());
        int parallelism = BatchingJournal.recoveryParallelism(config);
        this.executor = BatchingJournal.recoveryThreads(parallelism, "snapshot-recovery");
        this.latest = new Lookups<>("latest snapshots", executor, BatchingJournal.BATCH, parallelism,
                this::readLatest, id -> null);
    }

    /** Latest-snapshot lookups served by batches in this JVM since it started (for tests and diagnostics). */
    public static long batchedLoads() {
        return BATCHED_LOADS.sum();
    }

    @Override
    public Future<Option<SelectedSnapshot>> loadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        if (criteria.maxSequenceNr() != Long.MAX_VALUE || criteria.maxTimestamp() != Long.MAX_VALUE) {
            return super.loadAsync(persistenceId, criteria);
        }
        return FutureConverters.asScala(latest.get(persistenceId).thenApply(snapshot -> {
            BATCHED_LOADS.increment();
            return Option.apply(snapshot);
        }));
    }

    @Override
    public void postStop() {
        super.postStop();
        executor.shutdown();
    }

    /** The latest snapshot of each entity that has one, in one query for the whole batch. */
    private Map<String, SelectedSnapshot> readLatest(Set<String> persistenceIds) throws SQLException {
        Map<String, SelectedSnapshot> found = new HashMap<>();
        try (Connection c = db().source().createConnection();
             PreparedStatement q = c.prepareStatement("SELECT s.\"persistence_id\", s.\"sequence_number\", "
                     + "s.\"created\", s.\"snapshot_ser_id\", s.\"snapshot_ser_manifest\", s.\"snapshot_payload\", "
                     + "s.\"meta_ser_id\", s.\"meta_ser_manifest\", s.\"meta_payload\" FROM \"snapshot\" s JOIN "
                     + "(SELECT \"persistence_id\", MAX(\"sequence_number\") AS m FROM \"snapshot\" "
                     + "WHERE \"persistence_id\" = ANY(?) GROUP BY \"persistence_id\") l "
                     + "ON s.\"persistence_id\" = l.\"persistence_id\" AND s.\"sequence_number\" = l.m")) {
            q.setArray(1, c.createArrayOf("varchar", persistenceIds.toArray(String[]::new)));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), toSnapshot(rs));
                }
            }
        }
        return found;
    }

    private SelectedSnapshot toSnapshot(ResultSet rs) throws SQLException {
        Object snapshot = serialization.deserialize(rs.getBytes(6), rs.getInt(4), rs.getString(5)).get();
        SnapshotMetadata metadata = SnapshotMetadata.apply(rs.getString(1), rs.getLong(2), rs.getLong(3));
        Object meta = BatchingJournal.metadata(serialization, rs, 7);
        return SelectedSnapshot.create(meta == null ? metadata : metadata.withMetadata(meta), snapshot);
    }
}
