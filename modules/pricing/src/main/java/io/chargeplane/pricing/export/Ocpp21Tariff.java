package io.chargeplane.pricing.export;

import io.chargeplane.pricing.DayPlan;
import io.chargeplane.pricing.IdleFee;
import io.chargeplane.pricing.Period;
import io.chargeplane.pricing.Tariff;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A tariff as OCPP 2.1 sends it to a charger ({@code TariffType} of SetDefaultTariff / ChangeTransactionTariff /
 * the Authorize answer), as records whose field names are the message's: a gateway serialises them without nulls.
 *
 * <p>A 2.1 charger applies the first price whose conditions all hold, so the entries are listed most specific
 * first: each listed holiday (from {@code from} on; {@code validFromDate} the day, {@code validToDate} the next),
 * then Saturday and Sunday, then Monday to Friday; within a day plan one entry per time-of-use slot
 * ({@code startTimeOfDay} / {@code endTimeOfDay}, local time, "00:00" as the end of the day) and energy tier
 * ({@code minEnergy} / {@code maxEnergy} in Wh of the session). A 2.1 price per kWh is the electricity and the
 * service price together; the model's service fee per hour becomes a price per minute of charging, the idle fee a
 * price per idle minute after {@code minIdleTime} (the grace), the session fee a fixed fee, the cap
 * {@code maxCost}. The prices are what the driver pays and are sent as {@code exclTax} with no tax rates.
 *
 * <p>Refused ({@link NotExpressible}): a tariff id over 60 characters, a period edge off the whole minute, a service
 * fee per hour that is no whole price per minute in 6 decimals, and a maximum of the idle fee (2.1 has none).
 */
public record Ocpp21Tariff(String tariffId, String currency, Energy energy, Time chargingTime, Time idleTime,
                           Fixed fixedFee, Price maxCost) {
    public static final String FORMAT = "OCPP 2.1";
    static final int TARIFF_ID_MAX = 60;
    /** Decimal places a price per minute made from a price per hour may have. */
    static final int MINUTE_PRICE_SCALE = 6;

    public record Energy(List<EnergyPrice> prices) {
        public Energy {
            prices = List.copyOf(prices);
        }
    }

    public record EnergyPrice(BigDecimal priceKwh, Conditions conditions) {
    }

    public record Time(List<TimePrice> prices) {
        public Time {
            prices = List.copyOf(prices);
        }
    }

    public record TimePrice(BigDecimal priceMinute, Conditions conditions) {
    }

    public record Fixed(List<FixedPrice> prices) {
        public Fixed {
            prices = List.copyOf(prices);
        }
    }

    public record FixedPrice(BigDecimal priceFixed) {
    }

    public record Price(BigDecimal exclTax) {
    }

    /** {@code TariffConditionsType}, the fields this model uses; null where a condition is absent. */
    public record Conditions(String startTimeOfDay, String endTimeOfDay, List<String> dayOfWeek, String validFromDate,
                             String validToDate, BigDecimal minEnergy, BigDecimal maxEnergy, Integer minIdleTime) {
        static Conditions idleAfter(int seconds) {
            return new Conditions(null, null, null, null, null, null, null, seconds);
        }
    }

    private static final List<String> WEEKDAYS = List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday");
    private static final List<String> WEEKEND = List.of("Saturday", "Sunday");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    /** {@code tariff} as tariff {@code tariffId}, the holidays listed from {@code from} (the station's date) on. */
    public static Ocpp21Tariff of(Tariff tariff, String tariffId, LocalDate from) {
        List<String> problems = new ArrayList<>();
        if (tariffId == null || tariffId.isEmpty() || tariffId.length() > TARIFF_ID_MAX) {
            problems.add("a tariff id has 1-" + TARIFF_ID_MAX + " characters");
        }
        List<EnergyPrice> energy = new ArrayList<>();
        DayPlan weekend = tariff.weekends() != null ? tariff.weekends() : tariff.weekdays();
        DayPlan holiday = tariff.holidays() != null ? tariff.holidays() : weekend;
        for (LocalDate day : tariff.holidayDates()) {
            if (!day.isBefore(from)) {
                addPlan(energy, problems, tariff, holiday, null, day.toString(), day.plusDays(1).toString());
            }
        }
        if (weekend.equals(tariff.weekdays())) {
            addPlan(energy, problems, tariff, tariff.weekdays(), null, null, null);
        } else {
            addPlan(energy, problems, tariff, weekend, WEEKEND, null, null);
            addPlan(energy, problems, tariff, tariff.weekdays(), WEEKDAYS, null, null);
        }
        Time chargingTime = null;
        if (tariff.servicePerHour().signum() != 0) {
            BigDecimal perMinute = tariff.servicePerHour().divide(BigDecimal.valueOf(60), MINUTE_PRICE_SCALE,
                    RoundingMode.HALF_UP);
            if (perMinute.multiply(BigDecimal.valueOf(60)).compareTo(tariff.servicePerHour()) != 0) {
                problems.add("the service fee per hour " + tariff.servicePerHour().toPlainString()
                        + " is no whole price per minute in " + MINUTE_PRICE_SCALE + " decimals");
            }
            chargingTime = new Time(List.of(new TimePrice(perMinute.stripTrailingZeros(), null)));
        }
        Time idleTime = null;
        IdleFee idle = tariff.idleFee();
        if (idle != null) {
            if (idle.max() != null) {
                problems.add("a maximum of the idle fee cannot be sent");
            }
            idleTime = new Time(List.of(new TimePrice(idle.perMinute(), idle.grace().isZero() ? null
                    : Conditions.idleAfter(Math.toIntExact(idle.grace().toSeconds())))));
        }
        Fixed fixedFee = tariff.sessionFee().signum() == 0 ? null
                : new Fixed(List.of(new FixedPrice(tariff.sessionFee())));
        Price maxCost = tariff.cap() == null ? null : new Price(tariff.cap());
        if (!problems.isEmpty()) {
            throw new NotExpressible(FORMAT, problems);
        }
        return new Ocpp21Tariff(tariffId, tariff.currency().getCurrencyCode(), new Energy(energy), chargingTime,
                idleTime, fixedFee, maxCost);
    }

    private static void addPlan(List<EnergyPrice> out, List<String> problems, Tariff tariff, DayPlan plan, List<String> days,
                                String validFrom, String validTo) {
        List<DayPlan.Slot> slots = plan.slots();
        for (int i = 0; i < slots.size(); i++) {
            DayPlan.Slot slot = slots.get(i);
            if (slot.from().getSecond() != 0 || slot.from().getNano() != 0) {
                String problem = "period " + slot.period() + " starts at " + slot.from()
                        + ", not on a whole minute";
                if (!problems.contains(problem)) {
                    problems.add(problem);
                }
            }
            String start = slots.size() == 1 ? null : HH_MM.format(slot.from());
            String end = slots.size() == 1 ? null : HH_MM.format(i + 1 < slots.size() ? slots.get(i + 1).from()
                    : LocalTime.MIDNIGHT);
            Period period = tariff.periods().get(slot.period());
            for (int tier = 0; tier < tariff.tiers(); tier++) {
                BigDecimal minWh = tier == 0 ? null : wattHours(tariff.tierStartsKwh().get(tier));
                BigDecimal maxWh = tier + 1 < tariff.tiers() ? wattHours(tariff.tierStartsKwh().get(tier + 1)) : null;
                BigDecimal priceKwh = period.energyPerKwh().get(tier).add(period.servicePerKwh());
                out.add(new EnergyPrice(priceKwh, start == null && days == null && validFrom == null && minWh == null
                        && maxWh == null ? null
                        : new Conditions(start, end, days, validFrom, validTo, minWh, maxWh, null)));
            }
        }
    }

    private static BigDecimal wattHours(BigDecimal kWh) {
        return kWh.movePointRight(3).stripTrailingZeros();
    }
}
