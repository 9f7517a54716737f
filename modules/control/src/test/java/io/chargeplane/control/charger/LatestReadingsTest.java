package io.chargeplane.control.charger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.control.telemetry.MeterSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatestReadingsTest {
    private static final Instant T = Instant.parse("2026-11-26T10:00:00.123456789Z");
    private static final java.time.Duration SKEW = java.time.Duration.ofMinutes(5);

    private static MeterSample sample(int connector, String measurand, String phase, String unit, String value,
                                      Instant at) {
        return new MeterSample("p1", connector, null, at, at, measurand, phase, null, unit, null, null, value, null);
    }

    private static PileView.LatestReading only(LatestReadings readings, int connector) {
        List<PileView.LatestReading> list = readings.view().get(connector);
        assertEquals(1, list.size());
        return list.get(0);
    }

    @Test
    void everyValueComesBackExactlyAsTheChargerSentIt() {
        for (String value : List.of("0", "0.0", "0.50", "12", "123.45", "-7", "-0.5", "230.000", "999999999999999999",
                "1234567890.12345678", "-0", "-0.0", "007", "1.", ".5", "+5", "1e3", "1.5E-3", "abc", "",
                "12345678901234567890", "0.1234567890123456789", " 5", "5 ")) {
            LatestReadings readings = new LatestReadings(SKEW);
            readings.remember(sample(1, "Voltage", null, "V", value, T));
            assertEquals(value, only(readings, 1).value(), "value " + value);
        }
    }

    @Test
    void aNewerReadingReplacesTheValueUnitAndTimeAndAnOlderOneDoesNot() {
        LatestReadings readings = new LatestReadings(SKEW);
        readings.remember(sample(1, "Power.Active.Import", null, "W", "7400", T));
        readings.remember(sample(1, "Power.Active.Import", null, "kW", "7.5", T.plusSeconds(1)));
        readings.remember(sample(1, "Power.Active.Import", null, "W", "1", T.minusSeconds(5)));
        PileView.LatestReading r = only(readings, 1);
        assertEquals(new PileView.LatestReading("Power.Active.Import", null, "kW", "7.5", T.plusSeconds(1)), r);
        readings.remember(sample(1, "Power.Active.Import", null, "kW", "abc", T.plusSeconds(1))); // same time: replaces
        assertEquals("abc", only(readings, 1).value());
        readings.remember(sample(1, "Power.Active.Import", null, "kW", "8", T.plusSeconds(2)));
        assertEquals("8", only(readings, 1).value());
    }

    @Test
    void aReadingStampedFarAheadOfItsReceiptIsOrderedByItsReceiptSoLaterOnesReplaceIt() {
        LatestReadings readings = new LatestReadings(SKEW);
        Instant future = Instant.parse("2036-01-01T00:00:00Z");
        readings.remember(new MeterSample("p1", 1, null, future, T, "Voltage", null, null, "V", null, null, "230", null));
        readings.remember(sample(1, "Voltage", null, "V", "231", T.plusSeconds(10)));
        assertEquals("231", only(readings, 1).value(), "a skewed clock's 2036 reading does not stay the latest forever");
        readings.remember(sample(1, "Voltage", null, "V", "229", T.plusSeconds(1)));
        assertEquals("231", only(readings, 1).value(), "among readings within the tolerance the charger's time orders");
    }

    @Test
    void readingsAreKeptPerConnectorMeasurandAndPhase() {
        LatestReadings readings = new LatestReadings(SKEW);
        readings.remember(sample(1, "Current.Import", "L1", "A", "16", T));
        readings.remember(sample(1, "Current.Import", "L2", "A", "15.5", T));
        readings.remember(sample(1, "Current.Import", null, "A", "31.5", T));
        readings.remember(sample(2, "Current.Import", "L1", "A", "8", T));
        Map<Integer, List<PileView.LatestReading>> view = readings.view();
        assertEquals(3, view.get(1).size());
        assertEquals(List.of(new PileView.LatestReading("Current.Import", "L1", "A", "8", T)), view.get(2));
        assertEquals(T, view.get(2).get(0).sampledAt(), "nanoseconds kept");
    }
}
