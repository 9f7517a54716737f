package io.chargeplane.control.readside;

import io.chargeplane.control.station.StationDetails;
import io.chargeplane.control.station.StationEntity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
                Rows.update(c, "UPDATE station_list SET pending_change = ?, version = ?, updated_at = ? WHERE station_id = ?",
                        e.changeId(), seq, e.at(), id);
            } else {
                upsert(c, id, e.details(), "PENDING_REVIEW", e.changeId(), seq, e.at());
            }
            Rows.queueReview(c, "station", id, e.changeId(), e.origin().by(), e.at());
            Audit.write(c, "station", id, seq, "station.change-submitted", e.origin(), e.at(), null,
                    Map.of("changeId", e.changeId(), "proposed", e.details()));
        } else if (event instanceof StationEntity.ChangeApplied e) {
            upsert(c, id, e.after(), "ACTIVE", null, seq, e.at());
            Rows.unqueueReview(c, "station", id);
            Audit.write(c, "station", id, seq, e.changeId() == null ? "station.changed" : "station.change-approved",
                    e.origin(), e.at(), e.before(), e.after());
        } else if (event instanceof StationEntity.ChangeRejected e) {
            Rows.update(c, "UPDATE station_list SET status = ?, pending_change = NULL, version = ?, updated_at = ? "
                    + "WHERE station_id = ?", "PENDING_REVIEW".equals(status) ? "REJECTED" : "ACTIVE", seq, e.at(), id);
            Rows.unqueueReview(c, "station", id);
            Audit.write(c, "station", id, seq, "station.change-rejected", e.origin(), e.at(), null,
                    Map.of("changeId", e.changeId(), "comment", e.comment()));
        } else if (event instanceof StationEntity.ChargerAssigned e) {
            Rows.update(c, "UPDATE station_list SET charger_count = charger_count + 1, version = ? WHERE station_id = ?", seq, id);
        } else if (event instanceof StationEntity.ChargerUnassigned e) {
            Rows.update(c, "UPDATE station_list SET charger_count = charger_count - 1, version = ? WHERE station_id = ?", seq, id);
        } else if (event instanceof StationEntity.Decommissioned e) {
            Rows.update(c, "UPDATE station_list SET status = ?, version = ?, updated_at = ? WHERE station_id = ?",
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
        int n = Rows.update(c, "UPDATE station_list SET name = ?, name_lower = ?, city = ?, country = ?, status = ?, "
                        + "latitude = ?, longitude = ?, pending_change = ?, version = ?, updated_at = ? WHERE station_id = ?",
                d.name(), d.name().toLowerCase(java.util.Locale.ROOT), d.address().city(), d.address().country(), status,
                d.latitude(), d.longitude(), pending, seq, at, id);
        if (n == 0) {
            Rows.update(c, "INSERT INTO station_list (name, name_lower, city, country, status, latitude, longitude, "
                            + "pending_change, version, updated_at, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    d.name(), d.name().toLowerCase(java.util.Locale.ROOT), d.address().city(), d.address().country(),
                    status, d.latitude(), d.longitude(), pending, seq, at, id);
        }
    }
}
