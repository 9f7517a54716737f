package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.control.db.Database;
import io.chargeplane.control.telemetry.MeterSample;
import io.chargeplane.control.telemetry.TelemetryStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Meter samples come back exactly as the charger sent them, whatever characters a vendor puts in them, and in the
 * order it sent them; the values of one moment are stored as one row.
 */
class TelemetryStoreTest {
    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-11-25T21:30:00.123456Z");

    private static List<MeterSample> awkwardSamples() {
        return List.of(
                new MeterSample("pile-1", 1, 42, T0, T0.plusMillis(5), "Energy.Active.Import.Register", "L1",
                        "Outlet", "Wh", "Sample.Periodic", "Raw", "12345.6", 12345.6),
                // the same moment: these share the first sample's row, one array element each
                new MeterSample("pile-1", 1, 42, T0, T0.plusMillis(5), "Voltage", "NULL", null, "", null,
                        "Raw", "a,b {c} \"d\" \\e", null),
                new MeterSample("pile-1", 1, 42, T0, T0.plusMillis(5), "Current.Import", null, " x y ", "A",
                        "Trigger", null, "NULL", Double.NaN),
                new MeterSample("pile-1", 1, 42, T0, T0.plusMillis(5), "Power.Offered", "L2", null, null, null,
                        null, "", -0.5),
                new MeterSample("pile-1", 0, null, T0.plusSeconds(1), T0.plusSeconds(2), "Voltage", null, null, null,
                        null, "SignedData", "a\tb\nc\\d\re \\N ü€😀", null),
                new MeterSample("pile-1", 2, null, T0.plusSeconds(2), T0.plusSeconds(3), "Power.Active.Import", null,
                        null, "kW", null, null, "1e308", 1e308));
    }

    private static void roundTrip(TestNodes.Db db) throws Exception {
        try (Database database = db.open()) {
            TelemetryStore store = new TelemetryStore(database);
            store.insert(awkwardSamples());
            assertEquals(awkwardSamples(), store.samplesOf("pile-1", 10));
            assertEquals(awkwardSamples().subList(0, 3), store.samplesOf("pile-1", 3), "a limit inside a row");
            assertEquals(6, store.count());
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM meter_value")) {
                rs.next();
                assertEquals(3, rs.getLong(1), "the four values sampled at one moment share one row");
            }
        }
    }

    @Test
    void samplesWithTabsNewlinesBackslashesAndNullsRoundTripOnPostgres() throws Exception {
        roundTrip(TestNodes.postgres());
    }

    @Test
    void samplesWithTabsNewlinesBackslashesAndNullsRoundTripOnH2() throws Exception {
        roundTrip(TestNodes.h2(dir));
    }

    /**
     * A node upgraded from a version that stored one row per sampled value keeps every sample, in order: the
     * migration groups them by the moment they were sampled.
     */
    private static void upgrade(TestNodes.Db db) throws Exception {
        org.flywaydb.core.Flyway.configure().dataSource(db.url(), db.user(), db.password())
                .locations(io.chargeplane.control.db.Dialect.fromJdbcUrl(db.url()).migrationLocations())
                .target("11").load().migrate();
        List<MeterSample> before = awkwardSamples();
        try (Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO meter_sample (pile_id, connector_id,"
                     + " transaction_id, sampled_at, received_at, measurand, phase, location, unit, context,"
                     + " value_format, reading, reading_number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (MeterSample m : before) {
                ps.setString(1, m.pileId());
                ps.setInt(2, m.connectorId());
                ps.setObject(3, m.transactionId(), java.sql.Types.INTEGER);
                ps.setObject(4, m.sampledAt().atOffset(java.time.ZoneOffset.UTC));
                ps.setObject(5, m.receivedAt().atOffset(java.time.ZoneOffset.UTC));
                ps.setString(6, m.measurand());
                ps.setString(7, m.phase());
                ps.setString(8, m.location());
                ps.setString(9, m.unit());
                ps.setString(10, m.context());
                ps.setString(11, m.format());
                ps.setString(12, m.value());
                ps.setObject(13, m.number(), java.sql.Types.DOUBLE);
                ps.executeUpdate();
            }
        }
        try (Database database = db.open()) {
            TelemetryStore store = new TelemetryStore(database);
            assertEquals(before, store.samplesOf("pile-1", 10));
            assertEquals(6, store.count());
        }
    }

    @Test
    void samplesStoredOneRowPerValueBeforeTheUpgradeAreKeptInOrderOnPostgres() throws Exception {
        upgrade(TestNodes.postgres());
    }

    @Test
    void samplesStoredOneRowPerValueBeforeTheUpgradeAreKeptInOrderOnH2() throws Exception {
        upgrade(TestNodes.h2(dir));
    }
}
