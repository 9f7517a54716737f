package io.chargeplane.control.tariff;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.pricing.DayPlan;
import io.chargeplane.pricing.IdleFee;
import io.chargeplane.pricing.Period;
import io.chargeplane.pricing.Tariff;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A tariff as operators write it and the journal keeps it (REST body, events): the {@link Tariff} model in plain
 * fields. {@link #toTariff()} checks it (every period named once, plans from 00:00 naming known periods, prices not
 * negative, one energy price per tier) and is the one way into the calculator.
 *
 * <ul>
 * <li>{@code tierStartsKwh}: where each energy tier starts (0 first); absent: one tier.</li>
 * <li>{@code periods}: name, {@code energyPerKwh} (one price per tier), {@code servicePerKwh}.</li>
 * <li>{@code weekdays}, {@code weekends} (absent: as weekdays), {@code holidays} (absent: as weekends): slots
 * {@code {"from": "08:00", "period": "flat"}}, the first from 00:00; {@code holidayDates}: ISO dates.</li>
 * <li>{@code servicePerHour}, {@code sessionFee}, {@code idleFee} ({@code perMinute}, {@code graceMinutes},
 * {@code max}), {@code cap}: optional.</li>
 * </ul>
 */
public record TariffDocument(String currency, List<BigDecimal> tierStartsKwh, List<PeriodPrices> periods,
                             List<Slot> weekdays, List<Slot> weekends, List<Slot> holidays, List<String> holidayDates,
                             BigDecimal servicePerHour, BigDecimal sessionFee, Idle idleFee, BigDecimal cap)
        implements CborSerializable {
    /** At most this many periods, tiers, slots per plan and holiday dates: a tariff is for people to read. */
    public static final int MAX_ITEMS = 48;
    /** At most this many holiday dates (a few years of public holidays). */
    public static final int MAX_HOLIDAYS = 100;

    public record PeriodPrices(String name, List<BigDecimal> energyPerKwh, BigDecimal servicePerKwh)
            implements CborSerializable {
    }

    public record Slot(String from, String period) implements CborSerializable {
    }

    public record Idle(BigDecimal perMinute, Integer graceMinutes, BigDecimal max) implements CborSerializable {
    }

    /** The tariff this document describes; IllegalArgumentException naming what is wrong. */
    public Tariff toTariff() {
        if (currency == null) {
            throw new IllegalArgumentException("currency is required (ISO 4217, e.g. CNY or EUR)");
        }
        Tariff.Builder b;
        try {
            b = Tariff.builder(currency);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency " + currency + " is not an ISO 4217 code");
        }
        if (tierStartsKwh != null) {
            limit(tierStartsKwh, "tierStartsKwh", MAX_ITEMS);
            b.tiers(tierStartsKwh.stream().map(BigDecimal::toPlainString).toArray(String[]::new));
        }
        if (periods == null || periods.isEmpty()) {
            throw new IllegalArgumentException("periods: a tariff has at least one period");
        }
        limit(periods, "periods", MAX_ITEMS);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (PeriodPrices p : periods) {
            if (p == null || p.name() == null || p.name().isBlank() || p.name().length() > 32) {
                throw new IllegalArgumentException("periods: each period has a name of 1-32 characters");
            }
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("periods: period " + p.name() + " is listed twice");
            }
            b.period(new Period(p.name(), p.energyPerKwh() == null ? List.of() : p.energyPerKwh(), p.servicePerKwh()));
        }
        if (weekdays == null) {
            throw new IllegalArgumentException("weekdays: the weekday plan is required");
        }
        b.weekdays(plan(weekdays, "weekdays"));
        if (weekends != null) {
            b.weekends(plan(weekends, "weekends"));
        }
        List<LocalDate> dates = new ArrayList<>();
        if (holidayDates != null) {
            limit(holidayDates, "holidayDates", MAX_HOLIDAYS);
            for (String d : holidayDates) {
                try {
                    dates.add(LocalDate.parse(d));
                } catch (DateTimeParseException | NullPointerException e) {
                    throw new IllegalArgumentException("holidayDates: " + d + " is not an ISO date (2027-01-01)");
                }
            }
        }
        b.holidays(holidays == null ? null : plan(holidays, "holidays"), dates.toArray(LocalDate[]::new));
        if (servicePerHour != null) {
            b.servicePerHour(servicePerHour.toPlainString());
        }
        if (sessionFee != null) {
            b.sessionFee(sessionFee.toPlainString());
        }
        if (idleFee != null) {
            int grace = idleFee.graceMinutes() == null ? 0 : idleFee.graceMinutes();
            if (grace < 0 || grace > 24 * 60) {
                throw new IllegalArgumentException("idleFee.graceMinutes must be 0-1440");
            }
            b.idleFee(new IdleFee(idleFee.perMinute(), Duration.ofMinutes(grace), idleFee.max()));
        }
        if (cap != null) {
            b.cap(cap.toPlainString());
        }
        return b.build();
    }

    private static DayPlan plan(List<Slot> slots, String field) {
        limit(slots, field, MAX_ITEMS);
        List<DayPlan.Slot> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s == null || s.from() == null || s.period() == null) {
                throw new IllegalArgumentException(field + ": each slot has from (HH:MM) and period");
            }
            try {
                out.add(new DayPlan.Slot(LocalTime.parse(s.from()), s.period()));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(field + ": " + s.from() + " is not a time of day (HH:MM)");
            }
        }
        try {
            return new DayPlan(out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    private static void limit(List<?> items, String field, int max) {
        if (items.size() > max) {
            throw new IllegalArgumentException(field + ": at most " + max + " items");
        }
        if (items.contains(null)) {
            throw new IllegalArgumentException(field + ": no item may be null");
        }
    }
}
