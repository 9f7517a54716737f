package io.chargeplane.control.device;

import io.chargeplane.control.db.Batcher;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.db.Dialect;
import io.chargeplane.control.db.Lookups;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of every device's binding in table {@code device_binding}, so that a connecting charger is admitted
 * without recovering its device entity from the journal (a reconnect storm connects thousands at once).
 *
 * <p>The entity writes its row after each event it persists, behind its back and in batches; a row can therefore
 * lag or (after a crash between the two writes) be stale. It is trusted only when it is exactly current: each row
 * carries the sequence number of the device's last event it reflects, and a read compares it with the highest
 * sequence number in the journal, read together (batched over the identities asked at that moment). Anything
 * else reads as "ask the entity", which answers from the journal and rewrites its row when it recovers. An
 * identity with neither row nor event is a stranger, known without asking anyone.
 */
public final class DeviceBindings implements DeviceEntity.BindingRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBindings.class);
    private static final int BATCH = 256;

    private record Write(DeviceEntity.Binding binding, long seqNr) {
    }

    private final Database db;
    private final Lookups<String, Optional<DeviceEntity.Binding>> reads;
    private final Batcher<Write> writes;

    public DeviceBindings(Database db, Executor blocking) {
        this.db = db;
        this.reads = new Lookups<>("device-binding reads", blocking, BATCH, 2,
                identities -> read(identities.toArray(String[]::new)), identity -> Optional.empty());
        this.writes = new Batcher<>("device-binding writes", blocking, BATCH, 1, this::writeBatch);
    }

    /**
     * The identity's binding if the table holds it exactly as the journal does (a stranger included); empty when
     * only the entity can tell. Fails only when the database cannot be read.
     */
    public CompletionStage<Optional<DeviceEntity.Binding>> current(String identity) {
        return reads.get(identity);
    }

    @Override
    public void record(DeviceEntity.Binding binding, long seqNr) {
        writes.submit(new Write(binding, seqNr));
    }

    private Map<String, Optional<DeviceEntity.Binding>> read(String[] identities) throws SQLException {
        String[] persistenceIds = new String[identities.length];
        for (int i = 0; i < identities.length; i++) {
            persistenceIds[i] = DeviceEntity.ENTITY_KEY.name() + "|" + identities[i];
        }
        Map<String, Long> journalSeq = new HashMap<>();
        Map<String, DeviceEntity.Binding> rows = new HashMap<>();
        Map<String, Long> rowSeq = new HashMap<>();
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement q = c.prepareStatement("SELECT \"persistence_id\", MAX(\"sequence_number\") "
                    + "FROM \"event_journal\" WHERE \"persistence_id\" = ANY(?) GROUP BY \"persistence_id\"")) {
                q.setArray(1, c.createArrayOf("varchar", persistenceIds));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        journalSeq.put(rs.getString(1).substring(DeviceEntity.ENTITY_KEY.name().length() + 1), rs.getLong(2));
                    }
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT identity, pile_id, serial_number, secret_digest, "
                    + "bound_at, seq_nr FROM device_binding WHERE identity = ANY(?)")) {
                q.setArray(1, c.createArrayOf("varchar", identities));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        Timestamp boundAt = rs.getTimestamp(5);
                        rows.put(rs.getString(1), new DeviceEntity.Binding(rs.getString(1), rs.getString(2),
                                rs.getString(3), rs.getString(4), boundAt == null ? null : boundAt.toInstant()));
                        rowSeq.put(rs.getString(1), rs.getLong(6));
                    }
                }
            }
        }
        Map<String, Optional<DeviceEntity.Binding>> result = new HashMap<>();
        for (String identity : identities) {
            Long inJournal = journalSeq.get(identity);
            Long inRow = rowSeq.get(identity);
            if (inJournal == null && inRow == null) {
                result.put(identity, Optional.of(new DeviceEntity.Binding(identity, null, null, null, null)));
            } else if (inJournal != null && inJournal.equals(inRow)) {
                result.put(identity, Optional.of(rows.get(identity)));
            } else {
                result.put(identity, Optional.empty());
            }
        }
        return result;
    }

    private void writeBatch(List<Write> batch) {
        Map<String, Write> latest = new LinkedHashMap<>();
        for (Write w : batch) {
            latest.merge(w.binding().identity(), w, (a, b) -> a.seqNr() >= b.seqNr() ? a : b);
        }
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement u = c.prepareStatement(upsertSql(db.dialect()))) {
                for (Write w : latest.values()) {
                    DeviceEntity.Binding b = w.binding();
                    u.setString(1, b.identity());
                    u.setString(2, b.pileId());
                    u.setString(3, b.serialNumber());
                    u.setString(4, b.secretDigest());
                    if (b.boundAt() == null) {
                        u.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        u.setTimestamp(5, Timestamp.from(b.boundAt()));
                    }
                    u.setLong(6, w.seqNr());
                    u.addBatch();
                }
                u.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            // harmless for correctness: a row behind the journal is not trusted, and the entity rewrites it when
            // it next recovers
            LOG.warn("{} device bindings not copied to device_binding (their devices are asked instead): {}",
                    latest.size(), e.toString());
        }
    }

    /** Insert, or update a row that reflects an older event; a late write of an older event changes nothing. */
    private static String upsertSql(Dialect dialect) {
        if (dialect == Dialect.POSTGRES) {
            return "INSERT INTO device_binding (identity, pile_id, serial_number, secret_digest, bound_at, seq_nr) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (identity) DO UPDATE SET pile_id = EXCLUDED.pile_id, "
                    + "serial_number = EXCLUDED.serial_number, secret_digest = EXCLUDED.secret_digest, "
                    + "bound_at = EXCLUDED.bound_at, seq_nr = EXCLUDED.seq_nr "
                    + "WHERE device_binding.seq_nr < EXCLUDED.seq_nr";
        }
        return "MERGE INTO device_binding t USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)), "
                + "CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(64)), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS BIGINT))) "
                + "s(identity, pile_id, serial_number, secret_digest, bound_at, seq_nr) ON t.identity = s.identity "
                + "WHEN MATCHED AND t.seq_nr < s.seq_nr THEN UPDATE SET pile_id = s.pile_id, "
                + "serial_number = s.serial_number, secret_digest = s.secret_digest, bound_at = s.bound_at, "
                + "seq_nr = s.seq_nr "
                + "WHEN NOT MATCHED THEN INSERT (identity, pile_id, serial_number, secret_digest, bound_at, seq_nr) "
                + "VALUES (s.identity, s.pile_id, s.serial_number, s.secret_digest, s.bound_at, s.seq_nr)";
    }
}
