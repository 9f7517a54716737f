package io.chargeplane.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Golden breakdowns, computed by hand. */
class TariffCalculatorTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Tariff chinese() {
        return Tariff.builder("CNY")
                .period("valley", "0.80", "0.30").period("flat", "0.80", "0.60").period("peak", "0.80", "1.00")
                .weekdays(DayPlan.of("00:00", "valley", "08:00", "flat", "10:00", "peak", "15:00", "flat"))
                .build();
    }

    @Test
    void energyAcrossAPeriodEdgeWithoutAReadingOnItIsSplitByTheStationsClock() {
        // 09:30-10:30 Shanghai (01:30-02:30 UTC), 12 kWh at constant power: 6 flat, 6 peak
        Bill bill = TariffCalculator.price(chinese(), SHANGHAI, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-07T01:30:00Z"), 1_000),
                new Reading(Instant.parse("2026-12-07T02:30:00Z"), 13_000)));
        assertEquals(new BigDecimal("9.60"), bill.electricity(), "6 × 0.60 + 6 × 1.00");
        assertEquals(new BigDecimal("9.60"), bill.service(), "12 × 0.80");
        assertEquals(new BigDecimal("19.20"), bill.total());
    }

    @Test
    void onTheDayTheClocksGoForwardTheHoursBetweenEdgesAreRealHours() {
        Tariff t = Tariff.builder("EUR").period("night", "0", "0.30").period("day", "0", "0.40")
                .weekdays(DayPlan.of("00:00", "night", "04:00", "day")).build();
        // 2026-03-29 01:00 CET (00:00 UTC) to 05:00 CEST (03:00 UTC): 3 real hours at 10 kW; 04:00 CEST = 02:00 UTC
        Bill bill = TariffCalculator.price(t, BERLIN, SessionReadings.of(null,
                new Reading(Instant.parse("2026-03-29T00:00:00Z"), 0),
                new Reading(Instant.parse("2026-03-29T03:00:00Z"), 30_000)));
        assertEquals(new BigDecimal("10.00"), bill.total(), "20 kWh × 0.30 + 10 kWh × 0.40");
    }

    @Test
    void onTheDayTheClocksGoBackAnEdgeAfterTheRepeatedHourIsTakenOnce() {
        Tariff t = Tariff.builder("EUR").period("night", "0", "0.30").period("day", "0", "0.40")
                .weekdays(DayPlan.of("00:00", "night", "03:00", "day")).weekends(DayPlan.of("00:00", "night", "03:00", "day"))
                .build();
        // 2026-10-25 01:00 CEST (23:00 UTC the day before) to 04:00 CET (03:00 UTC): 4 real hours at 10 kW;
        // 03:00 CET = 02:00 UTC, so 3 hours of night and 1 of day
        Bill bill = TariffCalculator.price(t, BERLIN, SessionReadings.of(null,
                new Reading(Instant.parse("2026-10-24T23:00:00Z"), 0),
                new Reading(Instant.parse("2026-10-25T03:00:00Z"), 40_000)));
        assertEquals(new BigDecimal("13.00"), bill.total(), "30 kWh × 0.30 + 10 kWh × 0.40");
    }

    @Test
    void aSessionAcrossMidnightIntoASaturdayIsPricedByTheWeekendPlan() {
        Tariff t = Tariff.builder("CNY").period("flat", "0", "0.60").period("valley", "0", "0.30")
                .weekdays(DayPlan.allDay("flat")).weekends(DayPlan.allDay("valley")).build();
        // Friday 2026-12-11 23:00 to Saturday 01:00 Shanghai, 10 kW
        Bill bill = TariffCalculator.price(t, SHANGHAI, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-11T15:00:00Z"), 0),
                new Reading(Instant.parse("2026-12-11T17:00:00Z"), 20_000)));
        assertEquals(new BigDecimal("9.00"), bill.total(), "10 kWh × 0.60 + 10 kWh × 0.30");
        assertEquals(2, bill.lines(Bill.Kind.ELECTRICITY).size());
    }

    @Test
    void theEnergyPriceChangesAtTheTierEdgeWithinOnePeriod() {
        Tariff t = Tariff.builder("CNY").tiers("0", "10").period("flat", "0", "0.60", "0.50")
                .weekdays(DayPlan.allDay("flat")).build();
        Bill bill = TariffCalculator.price(t, SHANGHAI, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-07T01:00:00Z"), 500),
                new Reading(Instant.parse("2026-12-07T03:00:00Z"), 14_500)));
        assertEquals(new BigDecimal("8.00"), bill.total(), "10 kWh × 0.60 + 4 kWh × 0.50");
    }

    @Test
    void theIdleFeeCountsStartedMinutesAfterTheGraceUpToItsMaximumAndNotAtTheChargingRate() {
        Tariff t = Tariff.builder("CNY").period("flat", "0", "1.00").weekdays(DayPlan.allDay("flat"))
                .servicePerHour("6.00").idleFee(new IdleFee(new BigDecimal("1.00"), java.time.Duration.ofMinutes(15),
                        new BigDecimal("20.00"))).build();
        Instant start = Instant.parse("2026-12-07T02:00:00Z");
        SessionReadings s = new SessionReadings(java.util.List.of(new Reading(start, 0),
                new Reading(start.plusSeconds(3600), 10_000)), start.plusSeconds(3600),
                start.plusSeconds(3600 + 40 * 60 + 30), null);
        Bill bill = TariffCalculator.price(t, SHANGHAI, s);
        assertEquals(new BigDecimal("10.00"), bill.electricity());
        assertEquals(new BigDecimal("6.00"), bill.service(), "one hour of charging, not the idle time");
        assertEquals(new BigDecimal("20.00"), bill.idle(), "26 started minutes after the grace, at most 20.00");
    }

    @Test
    void theCapIsALineOfItsOwnAndTheTotalIsTheSumOfTheLines() {
        Tariff t = Tariff.builder("EUR").period("flat", "0.10", "0.50").weekdays(DayPlan.allDay("flat"))
                .sessionFee("1.00").cap("5.00").build();
        Bill bill = TariffCalculator.price(t, BERLIN, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-07T10:00:00Z"), 0),
                new Reading(Instant.parse("2026-12-07T11:00:00Z"), 10_000)));
        assertEquals(new BigDecimal("-2.00"), bill.lines(Bill.Kind.CAP).get(0).amount(), "5.00 + 1.00 + 1.00 down to 5.00");
        assertEquals(new BigDecimal("5.00"), bill.total());
        assertEquals(bill.total(), bill.lines().stream().map(Bill.Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void eachLineIsRoundedHalfUpToTheMinorUnit() {
        Tariff t = Tariff.builder("CNY").period("flat", "0", "1.5").weekdays(DayPlan.allDay("flat")).build();
        Bill bill = TariffCalculator.price(t, SHANGHAI, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-07T10:00:00Z"), 0),
                new Reading(Instant.parse("2026-12-07T10:10:00Z"), 333)));
        assertEquals(new BigDecimal("0.50"), bill.total(), "0.333 kWh × 1.5 = 0.4995: half-up 0.50, not 0.49");
    }

    @Test
    void aRegisterGoingBackwardsIsFlaggedAndItsFallIsNotBilled() {
        Bill bill = TariffCalculator.price(Tariff.flat("CNY", "1.00", "0"), SHANGHAI, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-07T10:00:00Z"), 5_000),
                new Reading(Instant.parse("2026-12-07T10:30:00Z"), 1_000),
                new Reading(Instant.parse("2026-12-07T11:00:00Z"), 3_000)));
        assertEquals(1, bill.flags().size(), bill.flags().toString());
        assertEquals(new BigDecimal("2.00"), bill.total(), "only the rise from 1,000 to 3,000 Wh");
    }

    @Test
    void theRunningCostAtTheStopIsTheFinalBill() {
        Instant start = Instant.parse("2026-12-07T01:30:00Z");
        SessionReadings running = SessionReadings.of(start.plusSeconds(1800), new Reading(start, 0),
                new Reading(start.plusSeconds(1800), 6_000));
        SessionReadings stopped = running.with(new Reading(start.plusSeconds(3600), 12_000), start.plusSeconds(3600));
        Bill atStop = TariffCalculator.price(chinese(), SHANGHAI, stopped);
        Bill runningAtStop = TariffCalculator.price(chinese(), SHANGHAI, new SessionReadings(stopped.readings(), null,
                start.plusSeconds(3600), null));
        assertEquals(atStop, runningAtStop);
        assertEquals(new BigDecimal("8.40"), TariffCalculator.price(chinese(), SHANGHAI, running).total(),
                "6 kWh flat: 3.60 + 4.80 service");
    }

    @Test
    void anOfflinePlaceholderOfZeroInTheMiddleBillsOnlyWhatWasDelivered() {
        // a charger that lost its meter link sent 0 Wh for a while (another back office billed 910 kWh for 0.083)
        Bill bill = TariffCalculator.price(Tariff.flat("EUR", "0.40", "0"), BERLIN, SessionReadings.of(null,
                new Reading(Instant.parse("2026-12-07T10:00:00Z"), 910_000),
                new Reading(Instant.parse("2026-12-07T10:05:00Z"), 0),
                new Reading(Instant.parse("2026-12-07T10:07:00Z"), 0),
                new Reading(Instant.parse("2026-12-07T10:10:00Z"), 910_083)));
        assertEquals(0, new BigDecimal("0.083").compareTo(bill.energyKwh()), bill.toString());
        assertEquals(new BigDecimal("0.03"), bill.total());
        assertEquals(2, bill.flags().size(), "and each 0 is flagged for operators: " + bill.flags());
    }
}
