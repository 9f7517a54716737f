package io.chargeplane.pricing.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.pricing.DayPlan;
import io.chargeplane.pricing.IdleFee;
import io.chargeplane.pricing.Quote;
import io.chargeplane.pricing.Tariff;
import io.chargeplane.pricing.TariffCalculator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class Ocpp21TariffTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void eachSlotBecomesAnEnergyPriceOfElectricityPlusServiceBetweenItsTimesOfDay() {
        Ocpp21Tariff t = Ocpp21Tariff.of(YkcBillingModelTest.fourPeriods(), "cn-2027", LocalDate.of(2027, 1, 1));
        assertEquals("CNY", t.currency());
        List<Ocpp21Tariff.EnergyPrice> prices = t.energy().prices();
        assertEquals(7, prices.size());
        assertEquals(new BigDecimal("0.88280"), prices.get(0).priceKwh(), "valley 0.28280 + 0.60");
        assertEquals("00:00", prices.get(0).conditions().startTimeOfDay());
        assertEquals("08:00", prices.get(0).conditions().endTimeOfDay());
        assertNull(prices.get(0).conditions().dayOfWeek(), "the same plan every day");
        assertEquals("22:00", prices.get(6).conditions().startTimeOfDay());
        assertEquals("00:00", prices.get(6).conditions().endTimeOfDay(), "00:00 ends the day");
        assertNull(t.chargingTime());
        assertNull(t.idleTime());
        assertNull(t.fixedFee());
        assertNull(t.maxCost());
    }

    /** A tariff with everything: holidays, a weekend plan, tiers. */
    private static Tariff layered() {
        return Tariff.builder("CNY").tiers("0", "30")
                .period("peak", "0.80", "1.00", "1.20").period("valley", "0.50", "0.30", "0.40")
                .period("holiday", "0.40", "0.20", "0.25")
                .weekdays(DayPlan.of("00:00", "valley", "08:00", "peak", "22:00", "valley"))
                .weekends(DayPlan.of("00:00", "valley", "10:00", "peak", "18:00", "valley"))
                .holidays(DayPlan.allDay("holiday"), LocalDate.of(2026, 10, 1), LocalDate.of(2027, 1, 1))
                .build();
    }

    @Test
    void holidaysComeFirstThenTheWeekendThenWeekdaysAndEachTierHasItsEnergyRange() {
        Ocpp21Tariff t = Ocpp21Tariff.of(layered(), "layered", LocalDate.of(2026, 12, 7));
        List<Ocpp21Tariff.EnergyPrice> prices = t.energy().prices();
        assertEquals(2 + 6 + 6, prices.size(), "one past holiday left out; 3 slots × 2 tiers per plan");
        Ocpp21Tariff.Conditions first = prices.get(0).conditions();
        assertEquals("2027-01-01", first.validFromDate());
        assertEquals("2027-01-02", first.validToDate());
        assertNull(first.minEnergy());
        assertEquals(new BigDecimal("3E+4"), first.maxEnergy(), "tier 1 until 30 kWh");
        assertEquals(new BigDecimal("3E+4"), prices.get(1).conditions().minEnergy());
        assertNull(prices.get(1).conditions().maxEnergy());
        assertEquals(new BigDecimal("0.65"), prices.get(1).priceKwh(), "0.25 + 0.40");
        assertEquals(List.of("Saturday", "Sunday"), prices.get(2).conditions().dayOfWeek());
        assertEquals(List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
                prices.get(8).conditions().dayOfWeek());
    }

    @Test
    void aChargerPickingTheFirstPriceThatHoldsGetsTheCalculatorsPriceAtEveryHalfHourOfTheWeekAndTier() {
        Tariff tariff = layered();
        Ocpp21Tariff t = Ocpp21Tariff.of(tariff, "layered", LocalDate.of(2026, 12, 1));
        LocalDateTime start = LocalDateTime.of(2026, 12, 28, 0, 0); // a Monday; 2027-01-01 is a holiday Friday
        for (int halfHour = 0; halfHour < 7 * 48; halfHour++) {
            LocalDateTime at = start.plusMinutes(30L * halfHour);
            for (long wh : new long[] {0, 29_999, 30_000, 80_000}) {
                Quote q = TariffCalculator.quote(tariff, SHANGHAI, at.atZone(SHANGHAI).toInstant());
                BigDecimal expected = q.energyPerKwh().get(tariff.tierAt(BigDecimal.valueOf(wh, 3)))
                        .add(q.servicePerKwh());
                assertEquals(0, expected.compareTo(firstThatHolds(t, at, wh)), at + " at " + wh + " Wh");
            }
        }
    }

    /** What a 2.1 charger does: the first energy price whose conditions all hold. */
    private static BigDecimal firstThatHolds(Ocpp21Tariff t, LocalDateTime at, long wh) {
        for (Ocpp21Tariff.EnergyPrice p : t.energy().prices()) {
            Ocpp21Tariff.Conditions c = p.conditions();
            if (c == null) {
                return p.priceKwh();
            }
            LocalTime time = at.toLocalTime();
            boolean holds = true;
            if (c.startTimeOfDay() != null) {
                LocalTime from = LocalTime.parse(c.startTimeOfDay());
                LocalTime to = LocalTime.parse(c.endTimeOfDay());
                holds = !time.isBefore(from) && (to.equals(LocalTime.MIDNIGHT) || time.isBefore(to));
            }
            if (c.dayOfWeek() != null) {
                holds &= c.dayOfWeek().contains(at.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
            }
            if (c.validFromDate() != null) {
                LocalDate d = at.toLocalDate();
                holds &= !d.isBefore(LocalDate.parse(c.validFromDate()))
                        && d.isBefore(LocalDate.parse(c.validToDate()));
            }
            if (c.minEnergy() != null) {
                holds &= BigDecimal.valueOf(wh).compareTo(c.minEnergy()) >= 0;
            }
            if (c.maxEnergy() != null) {
                holds &= BigDecimal.valueOf(wh).compareTo(c.maxEnergy()) < 0;
            }
            if (holds) {
                return p.priceKwh();
            }
        }
        throw new AssertionError("no price holds at " + at + " and " + wh + " Wh");
    }

    @Test
    void europeanFeesBecomeAPricePerChargingMinuteAnIdlePriceAfterTheGraceAFixedFeeAndAMaxCost() {
        Tariff tariff = Tariff.builder("EUR").period("all-day", "0", "0.39").weekdays(DayPlan.allDay("all-day"))
                .servicePerHour("1.20").sessionFee("1.00")
                .idleFee(new IdleFee(new BigDecimal("0.10"), Duration.ofMinutes(60), null)).cap("50").build();
        Ocpp21Tariff t = Ocpp21Tariff.of(tariff, "eu-standard", LocalDate.of(2026, 12, 7));
        assertEquals(1, t.energy().prices().size());
        assertNull(t.energy().prices().get(0).conditions(), "one price, always");
        assertEquals(new BigDecimal("0.39"), t.energy().prices().get(0).priceKwh());
        assertEquals(new BigDecimal("0.02"), t.chargingTime().prices().get(0).priceMinute());
        assertEquals(new BigDecimal("0.10"), t.idleTime().prices().get(0).priceMinute());
        assertEquals(3600, t.idleTime().prices().get(0).conditions().minIdleTime());
        assertEquals(new BigDecimal("1.00"), t.fixedFee().prices().get(0).priceFixed());
        assertEquals(new BigDecimal("50"), t.maxCost().exclTax());
    }

    @Test
    void aTariffTwoPointOneCannotCarryIsRefusedWithEveryReason() {
        Tariff tariff = Tariff.builder("EUR").period("all-day", "0", "0.39").weekdays(DayPlan.allDay("all-day"))
                .servicePerHour("1.00").idleFee(new IdleFee(new BigDecimal("0.10"), Duration.ZERO,
                        new BigDecimal("10"))).build();
        NotExpressible e = assertThrows(NotExpressible.class, () -> Ocpp21Tariff.of(tariff, "x".repeat(61),
                LocalDate.of(2026, 12, 7)));
        assertEquals(3, e.reasons().size(), e.reasons().toString());
        assertTrue(e.getMessage().contains("OCPP 2.1"));
    }
}
