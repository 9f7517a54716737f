package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.control.db.Database;
import io.chargeplane.control.telemetry.MeterSample;
import io.chargeplane.control.telemetry.TelemetryStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meter samples come back exactly as the charger sent them, whatever characters a vendor puts in them. */
class TelemetryStoreTest {
    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-11-25T21:30:00.123456Z");

    private static List<MeterSample> awkwardSamples() {
        return List.of(
                new MeterSample("pile-1", 1, 42, T0, T0.plusMillis(5), "Energy.Active.Import.Register", "L1",
                        "Outlet", "Wh", "Sample.Periodic", "Raw", "12345.6", 12345.6),
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
            assertEquals(3, store.count());
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
}
