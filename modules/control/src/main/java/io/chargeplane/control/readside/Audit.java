package io.chargeplane.control.readside;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.chargeplane.control.Origin;
import io.chargeplane.control.ControlJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Writes one audit row (inside a projection's transaction): who, when, from where, what, before and after. */
final class Audit {
    private Audit() {
    }

    static void write(Connection c, String entityType, String entityId, long seqNr, String action, Origin origin,
                      Instant at, Object before, Object after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_log (at, username, address, entity_type, "
                + "entity_id, seq_nr, action, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, origin.by());
            s.setString(3, origin.address());
            s.setString(4, entityType);
            s.setString(5, entityId);
            s.setLong(6, seqNr);
            s.setString(7, action);
            s.setString(8, json(before));
            s.setString(9, json(after));
            s.executeUpdate();
        }
    }

    private static String json(Object o) {
        if (o == null) {
            return null;
        }
        try {
            return ControlJson.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
