package io.chargeplane.control.readside;

import io.chargeplane.control.station.StationDetails;
import io.chargeplane.control.station.StationEntity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Station events into {@code station_list} (what lists, search and the map show: the live details, else the ones
 * waiting for review, else the draft), {@code review_queue} and {@code audit_log}, in the offset's transaction.
 */
final class StationProjection extends JdbcHandler<EventEnvelope<StationEntity.Event>, DataSourceSession> {
    static final String TAG = "station";

    @Override
    public void process(DataSourceSession session, EventEnvelope<StationEntity.Event> envelope) throws Exception {
        String id = envelope.persistenceId().substring(StationEntity.ENTITY_KEY.name().length() + 1);
        long seq = envelope.sequenceNr();
        session.withConnection(c -> {
            apply(c, id, seq, envelope.event());
            return null;
        });
    }

    private static void apply(Connection c, String id, long seq, StationEntity.Event event) throws SQLException {
        String status = currentStatus(c, id);
        if (event instanceof StationEntity.DraftSaved e) {
            upsert(c, id, e.details(), "DRAFT", null, seq, e.at());
            Audit.write(c, "station", id, seq, "station.draft-saved", e.origin(), e.at(), null, e.details());
        } else if (event instanceof StationEntity.ChangeSubmitted e) {
            boolean everLive = "ACTIVE".equals(status);
            if (everLive) {
                update(c, "UPDATE station_list SET pending_change = ?, version = ?, updated_at = ? WHERE station_id = ?",
                        e.changeId(), seq, e.at(), id);
            } else {
                upsert(c, id, e.details(), "PENDING_REVIEW", e.changeId(), seq, e.at());
            }
            queue(c, id, e.changeId(), e.origin().by(), e.at());
            Audit.write(c, "station", id, seq, "station.change-submitted", e.origin(), e.at(), null,
                    Map.of("changeId", e.changeId(), "proposed", e.details()));
        } else if (event instanceof StationEntity.ChangeApplied e) {
            upsert(c, id, e.after(), "ACTIVE", null, seq, e.at());
            unqueue(c, id);
            Audit.write(c, "station", id, seq, e.changeId() == null ? "station.changed" : "station.change-approved",
                    e.origin(), e.at(), e.before(), e.after());
        } else if (event instanceof StationEntity.ChangeRejected e) {
            update(c, "UPDATE station_list SET status = ?, pending_change = NULL, version = ?, updated_at = ? "
                    + "WHERE station_id = ?", "PENDING_REVIEW".equals(status) ? "REJECTED" : "ACTIVE", seq, e.at(), id);
            unqueue(c, id);
            Audit.write(c, "station", id, seq, "station.change-rejected", e.origin(), e.at(), null,
                    Map.of("changeId", e.changeId(), "comment", e.comment()));
        } else if (event instanceof StationEntity.ChargerAssigned e) {
            update(c, "UPDATE station_list SET charger_count = charger_count + 1, version = ? WHERE station_id = ?", seq, id);
        } else if (event instanceof StationEntity.ChargerUnassigned e) {
            update(c, "UPDATE station_list SET charger_count = charger_count - 1, version = ? WHERE station_id = ?", seq, id);
        } else if (event instanceof StationEntity.Decommissioned e) {
            update(c, "UPDATE station_list SET status = ?, version = ?, updated_at = ? WHERE station_id = ?",
                    "DECOMMISSIONED", seq, e.at(), id);
            Audit.write(c, "station", id, seq, "station.decommissioned", e.origin(), e.at(), status, "DECOMMISSIONED");
        }
    }

    private static String currentStatus(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT status FROM station_list WHERE station_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void upsert(Connection c, String id, StationDetails d, String status, String pending, long seq,
                               Instant at) throws SQLException {
        int n = update(c, "UPDATE station_list SET name = ?, name_lower = ?, city = ?, country = ?, status = ?, "
                        + "latitude = ?, longitude = ?, pending_change = ?, version = ?, updated_at = ? WHERE station_id = ?",
                d.name(), d.name().toLowerCase(java.util.Locale.ROOT), d.address().city(), d.address().country(), status,
                d.latitude(), d.longitude(), pending, seq, at, id);
        if (n == 0) {
            update(c, "INSERT INTO station_list (name, name_lower, city, country, status, latitude, longitude, "
                            + "pending_change, version, updated_at, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    d.name(), d.name().toLowerCase(java.util.Locale.ROOT), d.address().city(), d.address().country(),
                    status, d.latitude(), d.longitude(), pending, seq, at, id);
        }
    }

    private static void queue(Connection c, String id, String changeId, String by, Instant at) throws SQLException {
        unqueue(c, id);
        update(c, "INSERT INTO review_queue (entity_type, entity_id, change_id, submitted_by, submitted_at) "
                + "VALUES ('station', ?, ?, ?, ?)", id, changeId, by, at);
    }

    private static void unqueue(Connection c, String id) throws SQLException {
        update(c, "DELETE FROM review_queue WHERE entity_type = 'station' AND entity_id = ?", id);
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof Instant t) {
                    s.setTimestamp(i + 1, Timestamp.from(t));
                } else {
                    s.setObject(i + 1, a);
                }
            }
            return s.executeUpdate();
        }
    }
}
