package io.chargeplane.control.readside;

import io.chargeplane.control.Origin;
import io.chargeplane.control.idtag.IdTagEntity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Id tag events into {@code id_tag_list} (list and search) and {@code audit_log} (with the previous values). */
final class IdTagProjection extends JdbcHandler<EventEnvelope<IdTagEntity.Event>, DataSourceSession> {
    static final String TAG = "idtag";

    @Override
    public void process(DataSourceSession session, EventEnvelope<IdTagEntity.Event> envelope) throws Exception {
        String id = envelope.persistenceId().substring(IdTagEntity.ENTITY_KEY.name().length() + 1);
        long seq = envelope.sequenceNr();
        if (envelope.event() instanceof IdTagEntity.TagPut e) {
            session.withConnection(c -> {
                put(c, id, seq, e);
                return null;
            });
        }
    }

    private static void put(Connection c, String id, long seq, IdTagEntity.TagPut e) throws SQLException {
        Map<String, Object> before = null;
        try (var s = c.prepareStatement("SELECT status, expiry_date, parent_id_tag FROM id_tag_list WHERE id_tag = ?")) {
            s.setString(1, id);
            try (var rs = s.executeQuery()) {
                if (rs.next()) {
                    before = row(rs.getString(1), rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant(),
                            rs.getString(3));
                }
            }
        }
        if (Rows.update(c, "UPDATE id_tag_list SET status = ?, expiry_date = ?, parent_id_tag = ?, "
                + "version = ?, updated_at = ? WHERE id_tag = ?", e.status(), e.expiryDate(), e.parentIdTag(), seq, e.at(), id) == 0) {
            Rows.update(c, "INSERT INTO id_tag_list (status, expiry_date, parent_id_tag, version, updated_at, "
                    + "id_tag) VALUES (?, ?, ?, ?, ?, ?)", e.status(), e.expiryDate(), e.parentIdTag(), seq, e.at(), id);
        }
        Origin origin = e.origin() != null ? e.origin() : Origin.system("unknown");
        Audit.write(c, "idtag", id, seq, "idtag.put", origin, e.at(), before, row(e.status(), e.expiryDate(), e.parentIdTag()));
    }

    private static Map<String, Object> row(String status, java.time.Instant expiry, String parent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("expiryDate", expiry);
        m.put("parentIdTag", parent);
        return m;
    }
}
