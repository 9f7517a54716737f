package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What charging costs: electricity by time-of-use period × energy tier, a service fee per kWh (by period) and/or per
 * hour of charging, an optional session fee, an optional idle fee after charging ends, and an optional cap per
 * session.
 *
 * <ul>
 * <li>{@code tierStartsKwh}: where each energy tier starts, in kWh delivered in the session, from 0 ({@code [0]}: no
 * tiers); every period has one energy price per tier.</li>
 * <li>{@code weekdays} is in force Monday to Friday; {@code weekends} (null: the weekday plan) on Saturday and Sunday;
 * {@code holidays} (null: the weekend plan) on the dates of {@code holidayDates}, whatever their weekday.</li>
 * </ul>
 */
public record Tariff(Currency currency, List<BigDecimal> tierStartsKwh, Map<String, Period> periods, DayPlan weekdays,
                     DayPlan weekends, DayPlan holidays, Set<LocalDate> holidayDates, BigDecimal servicePerHour,
                     BigDecimal sessionFee, IdleFee idleFee, BigDecimal cap) {
    public Tariff {
        if (currency == null) {
            throw new IllegalArgumentException("a tariff has a currency");
        }
        tierStartsKwh = tierStartsKwh == null || tierStartsKwh.isEmpty() ? List.of(BigDecimal.ZERO)
                : List.copyOf(tierStartsKwh);
        if (tierStartsKwh.get(0).signum() != 0) {
            throw new IllegalArgumentException("the first energy tier starts at 0 kWh");
        }
        for (int i = 1; i < tierStartsKwh.size(); i++) {
            if (tierStartsKwh.get(i).compareTo(tierStartsKwh.get(i - 1)) <= 0) {
                throw new IllegalArgumentException("energy tiers start in increasing order: " + tierStartsKwh);
            }
        }
        if (periods == null || periods.isEmpty()) {
            throw new IllegalArgumentException("a tariff has at least one period");
        }
        periods = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(periods));
        for (Map.Entry<String, Period> e : periods.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("period " + e.getValue().name() + " is listed as " + e.getKey());
            }
            if (e.getValue().energyPerKwh().size() != tierStartsKwh.size()) {
                throw new IllegalArgumentException("period " + e.getKey() + " has " + e.getValue().energyPerKwh().size()
                        + " energy prices for " + tierStartsKwh.size() + " tiers");
            }
        }
        if (weekdays == null) {
            throw new IllegalArgumentException("a tariff has a weekday plan");
        }
        for (DayPlan plan : new DayPlan[] {weekdays, weekends, holidays}) {
            if (plan != null) {
                for (DayPlan.Slot s : plan.slots()) {
                    if (!periods.containsKey(s.period())) {
                        throw new IllegalArgumentException("slot from " + s.from() + " names period " + s.period()
                                + ", which the tariff does not have");
                    }
                }
            }
        }
        holidayDates = holidayDates == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(holidayDates));
        servicePerHour = servicePerHour == null ? BigDecimal.ZERO : servicePerHour;
        Money.requireNotNegative(servicePerHour, "service fee per hour");
        sessionFee = sessionFee == null ? BigDecimal.ZERO : sessionFee;
        Money.requireNotNegative(sessionFee, "session fee");
        if (cap != null) {
            Money.requireNotNegative(cap, "cap");
        }
    }

    /** A tariff of one period all day: {@code energyPerKwh} plus {@code servicePerKwh}. */
    public static Tariff flat(String currency, String energyPerKwh, String servicePerKwh) {
        return builder(currency).period(Period.of("all-day", energyPerKwh, servicePerKwh))
                .weekdays(DayPlan.allDay("all-day")).build();
    }

    public static Builder builder(String currency) {
        return new Builder(Currency.getInstance(currency));
    }

    /** The plan in force on {@code date} (the station's local date). */
    public DayPlan planFor(LocalDate date) {
        if (holidayDates.contains(date)) {
            return holidays != null ? holidays : weekendPlan();
        }
        DayOfWeek d = date.getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY ? weekendPlan() : weekdays;
    }

    DayPlan weekendPlan() {
        return weekends != null ? weekends : weekdays;
    }

    public int tiers() {
        return tierStartsKwh.size();
    }

    /** The tier a session is in once {@code deliveredKwh} have been delivered. */
    public int tierAt(BigDecimal deliveredKwh) {
        int t = 0;
        while (t + 1 < tierStartsKwh.size() && tierStartsKwh.get(t + 1).compareTo(deliveredKwh) <= 0) {
            t++;
        }
        return t;
    }

    /** Builds a tariff step by step; {@link #build()} checks it as the constructor does. */
    public static final class Builder {
        private final Currency currency;
        private List<BigDecimal> tiers = List.of(BigDecimal.ZERO);
        private final Map<String, Period> periods = new LinkedHashMap<>();
        private DayPlan weekdays;
        private DayPlan weekends;
        private DayPlan holidays;
        private final Set<LocalDate> holidayDates = new TreeSet<>();
        private BigDecimal servicePerHour;
        private BigDecimal sessionFee;
        private IdleFee idleFee;
        private BigDecimal cap;

        private Builder(Currency currency) {
            this.currency = currency;
        }

        /** Energy tiers starting at these kWh (0 first). */
        public Builder tiers(String... startsKwh) {
            List<BigDecimal> t = new ArrayList<>();
            for (String s : startsKwh) {
                t.add(new BigDecimal(s));
            }
            tiers = t;
            return this;
        }

        public Builder period(Period p) {
            periods.put(p.name(), p);
            return this;
        }

        /** A period with one energy price per tier. */
        public Builder period(String name, String servicePerKwh, String... energyPerKwhByTier) {
            List<BigDecimal> prices = new ArrayList<>();
            for (String s : energyPerKwhByTier) {
                prices.add(new BigDecimal(s));
            }
            return period(new Period(name, prices, new BigDecimal(servicePerKwh)));
        }

        public Builder weekdays(DayPlan p) {
            weekdays = p;
            return this;
        }

        public Builder weekends(DayPlan p) {
            weekends = p;
            return this;
        }

        public Builder holidays(DayPlan p, LocalDate... dates) {
            holidays = p;
            holidayDates.addAll(List.of(dates));
            return this;
        }

        public Builder servicePerHour(String perHour) {
            servicePerHour = new BigDecimal(perHour);
            return this;
        }

        public Builder sessionFee(String fee) {
            sessionFee = new BigDecimal(fee);
            return this;
        }

        public Builder idleFee(IdleFee fee) {
            idleFee = fee;
            return this;
        }

        public Builder cap(String max) {
            cap = new BigDecimal(max);
            return this;
        }

        public Tariff build() {
            return new Tariff(currency, tiers, periods, weekdays, weekends, holidays, holidayDates, servicePerHour,
                    sessionFee, idleFee, cap);
        }
    }
}
