package io.chargeplane.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** What holds for every session: the split conserves energy, and the cost never falls as the session goes on. */
class TariffCalculatorPropertiesTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Tariff TARIFF = Tariff.builder("EUR").tiers("0", "7.5", "20")
            .period("night", "0.05", "0.30", "0.25", "0.20").period("day", "0.10", "0.45", "0.40", "0.35")
            .period("peak", "0.15", "0.60", "0.55", "0.50")
            .weekdays(DayPlan.of("00:00", "night", "06:30", "day", "17:00", "peak", "21:00", "night"))
            .weekends(DayPlan.of("00:00", "night", "09:00", "day", "22:00", "night"))
            .servicePerHour("0.90").sessionFee("0.35").build();

    private static SessionReadings session(long startEpochMinute, List<Integer> minutes, List<Integer> wh) {
        Instant t = Instant.ofEpochSecond(1_780_000_000L + startEpochMinute * 60);
        long register = 12_345;
        List<Reading> readings = new ArrayList<>(List.of(new Reading(t, register)));
        for (int i = 0; i < Math.min(minutes.size(), wh.size()); i++) {
            t = t.plusSeconds(60L * minutes.get(i));
            register += wh.get(i);
            readings.add(new Reading(t, register));
        }
        return new SessionReadings(readings, null, t, null);
    }

    @Property(tries = 300)
    void theEnergyOfEveryPeriodAndTierAddsUpToTheRegistersRise(
            @ForAll @IntRange(min = 0, max = 600_000) int start,
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 600) Integer> minutes,
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 40_000) Integer> wh) {
        SessionReadings s = session(start, minutes, wh);
        BigDecimal split = TariffCalculator.energy(TARIFF, BERLIN, s, new ArrayList<>()).stream()
                .map(TariffCalculator.Bucket::wh).reduce(BigDecimal.ZERO, BigDecimal::add);
        long rise = s.readings().get(s.readings().size() - 1).wh() - s.start().wh();
        assertEquals(0, split.compareTo(BigDecimal.valueOf(rise)), "split " + split + " of " + rise + " Wh");
    }

    @Property(tries = 300)
    void theCostNeverFallsAsTheSessionGoesOn(
            @ForAll @IntRange(min = 0, max = 600_000) int start,
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 600) Integer> minutes,
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 40_000) Integer> wh,
            @ForAll @IntRange(min = 0, max = 600) int moreMinutes, @ForAll @IntRange(min = 0, max = 40_000) int moreWh) {
        SessionReadings s = session(start, minutes, wh);
        Reading last = s.readings().get(s.readings().size() - 1);
        Instant later = last.at().plusSeconds(60L * moreMinutes);
        SessionReadings on = s.with(new Reading(later, last.wh() + moreWh), later);
        BigDecimal before = TariffCalculator.price(TARIFF, BERLIN, s).total();
        BigDecimal after = TariffCalculator.price(TARIFF, BERLIN, on).total();
        assertTrue(after.compareTo(before) >= 0, before + " then " + after);
    }
}
