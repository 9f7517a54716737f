package io.chargeplane.control.telemetry;

import io.chargeplane.control.db.CopyText;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.db.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The meter-sample store on the SQL database (the default telemetry store). Samples are stored one row per
 * MeterValue: the values a charger sampled at one moment share a row of the {@code meter_value} table, one array
 * element each (see V12__meter_value_rows.sql); callers see samples, in the order the charger sent them.
 */
public final class TelemetryStore {
    private static final String COLUMNS = "pile_id, connector_id, transaction_id, sampled_at, received_at, measurand,"
            + " phase, location, unit, context, value_format, reading, reading_number";
    private static final String INSERT = "INSERT INTO meter_value (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final String COPY = "COPY meter_value (" + COLUMNS + ") FROM STDIN";
    private final Database db;

    public TelemetryStore(Database db) {
        this.db = db;
    }

    /** Writes one batch in one transaction: all rows or none. */
    public void insert(List<MeterSample> samples) throws SQLException {
        List<List<MeterSample>> rows = rows(samples);
        if (db.dialect() == Dialect.POSTGRES) {
            copy(rows);
            return;
        }
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (List<MeterSample> row : rows) {
                    MeterSample s = row.get(0);
                    ps.setString(1, s.pileId());
                    ps.setInt(2, s.connectorId());
                    if (s.transactionId() == null) {
                        ps.setNull(3, Types.INTEGER);
                    } else {
                        ps.setInt(3, s.transactionId());
                    }
                    ps.setObject(4, s.sampledAt().atOffset(ZoneOffset.UTC));
                    ps.setObject(5, s.receivedAt().atOffset(ZoneOffset.UTC));
                    for (int f = 0; f < TEXT_FIELDS.size(); f++) {
                        Function<MeterSample, String> field = TEXT_FIELDS.get(f);
                        ps.setArray(6 + f, c.createArrayOf("VARCHAR", row.stream().map(field).toArray()));
                    }
                    ps.setArray(13, c.createArrayOf("DOUBLE PRECISION",
                            row.stream().map(MeterSample::number).toArray()));
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

    /** The text fields of a sample, in the order of the array columns from {@code measurand} to {@code reading}. */
    private static final List<Function<MeterSample, String>> TEXT_FIELDS = List.of(MeterSample::measurand,
            MeterSample::phase, MeterSample::location, MeterSample::unit, MeterSample::context, MeterSample::format,
            MeterSample::value);

    /**
     * Samples next to each other that were sampled at the same moment by the same connector and arrived together
     * (the sampled values of one MeterValue) share a row.
     */
    static List<List<MeterSample>> rows(List<MeterSample> samples) {
        List<List<MeterSample>> rows = new ArrayList<>();
        List<MeterSample> row = null;
        for (MeterSample s : samples) {
            if (row == null || !sameMoment(row.get(0), s)) {
                row = new ArrayList<>(4);
                rows.add(row);
            }
            row.add(s);
        }
        return rows;
    }

    private static boolean sameMoment(MeterSample a, MeterSample b) {
        return a.connectorId() == b.connectorId() && a.pileId().equals(b.pileId())
                && Objects.equals(a.transactionId(), b.transactionId()) && a.sampledAt().equals(b.sampledAt())
                && a.receivedAt().equals(b.receivedAt());
    }

    /**
     * PostgreSQL: the batch as one {@code COPY} (text format), which the server parses and plans once for the
     * batch instead of once per row; one statement, so all rows or none. The rows are written as bytes straight
     * into one buffer ({@link CopyText}).
     */
    private void copy(List<List<MeterSample>> rows) throws SQLException {
        CopyText text = new CopyText(rows.size() * 320);
        for (List<MeterSample> row : rows) {
            MeterSample s = row.get(0);
            text.text(s.pileId()).number(s.connectorId()).number(s.transactionId()).instant(s.sampledAt())
                    .instant(s.receivedAt());
            for (Function<MeterSample, String> field : TEXT_FIELDS) {
                text.textArray(row, field);
            }
            text.numberArray(row, MeterSample::number).endRow();
        }
        try (Connection c = db.dataSource().getConnection()) {
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
            try {
                in.writeToCopy(text.bytes(), 0, text.length());
                in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        }
    }

    /** The first {@code limit} samples of one pile in the order of their own timestamps (not of arrival). */
    public List<MeterSample> samplesOf(String pileId, int limit) throws SQLException {
        // every row holds at least one sample: {@code limit} rows hold at least {@code limit} samples
        String sql = "SELECT " + COLUMNS + " FROM meter_value WHERE pile_id = ? ORDER BY sampled_at, id LIMIT ?";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, pileId);
            ps.setInt(2, limit);
            List<MeterSample> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    int tx = rs.getInt(3);
                    Integer txId = rs.wasNull() ? null : tx;
                    Instant sampledAt = rs.getObject(4, OffsetDateTime.class).toInstant();
                    Instant receivedAt = rs.getObject(5, OffsetDateTime.class).toInstant();
                    Object[][] fields = new Object[8][];
                    for (int f = 0; f < fields.length; f++) {
                        fields[f] = (Object[]) rs.getArray(6 + f).getArray();
                    }
                    for (int i = 0; i < fields[0].length && out.size() < limit; i++) {
                        Object n = fields[7][i];
                        out.add(new MeterSample(rs.getString(1), rs.getInt(2), txId, sampledAt, receivedAt,
                                (String) fields[0][i], (String) fields[1][i], (String) fields[2][i],
                                (String) fields[3][i], (String) fields[4][i], (String) fields[5][i],
                                (String) fields[6][i], n == null ? null : ((Number) n).doubleValue()));
                    }
                }
            }
            return out;
        }
    }

    /** How many samples are stored, for benchmarks and tests that check that nothing was lost. */
    public long count() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(SAMPLES);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The number of samples stored: one per array element. */
    public static final String SAMPLES = "SELECT COALESCE(SUM(CARDINALITY(measurand)), 0) FROM meter_value";
}
