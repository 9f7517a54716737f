package io.chargeplane.control.readside;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** One statement inside a projection's transaction, with instants bound as timestamps. */
final class Rows {
    private Rows() {
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

    /** The change waiting for review of one record, replacing any earlier one. */
    static void queueReview(Connection c, String type, String id, String changeId, String by, Instant at)
            throws SQLException {
        unqueueReview(c, type, id);
        update(c, "INSERT INTO review_queue (entity_type, entity_id, change_id, submitted_by, submitted_at) "
                + "VALUES (?, ?, ?, ?, ?)", type, id, changeId, by, at);
    }

    static void unqueueReview(Connection c, String type, String id) throws SQLException {
        update(c, "DELETE FROM review_queue WHERE entity_type = ? AND entity_id = ?", type, id);
    }
}
