package io.chargeplane.control.telemetry;

import io.chargeplane.control.db.Database;
import io.chargeplane.control.db.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** The meter-sample store on the SQL database (the default telemetry store). */
public final class TelemetryStore {
    private static final String INSERT = "INSERT INTO meter_sample (pile_id, connector_id, transaction_id, sampled_at,"
            + " received_at, measurand, phase, location, unit, context, value_format, reading, reading_number)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private final Database db;

    public TelemetryStore(Database db) {
        this.db = db;
    }

    /** Writes one batch in one transaction: all rows or none. */
    public void insert(List<MeterSample> samples) throws SQLException {
        if (db.dialect() == Dialect.POSTGRES) {
            copy(samples);
            return;
        }
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (MeterSample s : samples) {
                    ps.setString(1, s.pileId());
                    ps.setInt(2, s.connectorId());
                    if (s.transactionId() == null) {
                        ps.setNull(3, Types.INTEGER);
                    } else {
                        ps.setInt(3, s.transactionId());
                    }
                    ps.setObject(4, s.sampledAt().atOffset(ZoneOffset.UTC));
                    ps.setObject(5, s.receivedAt().atOffset(ZoneOffset.UTC));
                    ps.setString(6, s.measurand());
                    ps.setString(7, s.phase());
                    ps.setString(8, s.location());
                    ps.setString(9, s.unit());
                    ps.setString(10, s.context());
                    ps.setString(11, s.format());
                    ps.setString(12, s.value());
                    if (s.number() == null) {
                        ps.setNull(13, Types.DOUBLE);
                    } else {
                        ps.setDouble(13, s.number());
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * PostgreSQL: the batch as one {@code COPY} (text format), which the server parses and plans once for the
     * batch instead of once per row; one statement, so all rows or none.
     */
    private void copy(List<MeterSample> samples) throws SQLException {
        StringBuilder text = new StringBuilder(samples.size() * 160);
        for (MeterSample s : samples) {
            text.append(s.pileId() == null ? NULL : escape(s.pileId())).append('\t')
                    .append(s.connectorId()).append('\t')
                    .append(s.transactionId() == null ? NULL : s.transactionId().toString()).append('\t')
                    .append(s.sampledAt()).append('\t')
                    .append(s.receivedAt()).append('\t');
            field(text, s.measurand());
            field(text, s.phase());
            field(text, s.location());
            field(text, s.unit());
            field(text, s.context());
            field(text, s.format());
            field(text, s.value());
            text.append(s.number() == null ? NULL : s.number().toString()).append('\n');
        }
        try (Connection c = db.dataSource().getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn(COPY, new java.io.StringReader(text.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into meter_sample failed", e);
        }
    }

    private static final String COPY = "COPY meter_sample (pile_id, connector_id, transaction_id, sampled_at,"
            + " received_at, measurand, phase, location, unit, context, value_format, reading, reading_number)"
            + " FROM STDIN";
    private static final String NULL = "\\N";

    private static void field(StringBuilder text, String value) {
        text.append(value == null ? NULL : escape(value)).append('\t');
    }

    /** COPY text format: backslash, tab, newline and carriage return are escaped; everything else is literal. */
    static String escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                StringBuilder out = new StringBuilder(value.length() + 8).append(value, 0, i);
                for (int k = i; k < value.length(); k++) {
                    char x = value.charAt(k);
                    switch (x) {
                        case '\\' -> out.append("\\\\");
                        case '\t' -> out.append("\\t");
                        case '\n' -> out.append("\\n");
                        case '\r' -> out.append("\\r");
                        default -> out.append(x);
                    }
                }
                return out.toString();
            }
        }
        return value;
    }

    /** The samples of one pile in the order of their own timestamps (not of arrival). */
    public List<MeterSample> samplesOf(String pileId, int limit) throws SQLException {
        String sql = "SELECT pile_id, connector_id, transaction_id, sampled_at, received_at, measurand, phase, location,"
                + " unit, context, value_format, reading, reading_number FROM meter_sample WHERE pile_id = ?"
                + " ORDER BY sampled_at, id LIMIT ?";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, pileId);
            ps.setInt(2, limit);
            List<MeterSample> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int tx = rs.getInt(3);
                    Integer txId = rs.wasNull() ? null : tx;
                    double n = rs.getDouble(13);
                    Double number = rs.wasNull() ? null : n;
                    out.add(new MeterSample(rs.getString(1), rs.getInt(2), txId,
                            rs.getObject(4, OffsetDateTime.class).toInstant(),
                            rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6), rs.getString(7),
                            rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                            number));
                }
            }
            return out;
        }
    }

    /** How many samples are stored, for benchmarks and tests that check that nothing was lost. */
    public long count() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM meter_sample");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
