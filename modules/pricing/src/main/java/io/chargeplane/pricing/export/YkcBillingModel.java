package io.chargeplane.pricing.export;

import io.chargeplane.pricing.DayPlan;
import io.chargeplane.pricing.Period;
import io.chargeplane.pricing.Tariff;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tariff as the 云快充 (YKC) protocol sends it to a charger (计费模型, the billing model of frames 0x0A / 0x58):
 * four rates numbered 0 尖 sharp, 1 峰 peak, 2 平 flat, 3 谷 valley, each an electricity and a service price per
 * kWh in units of 0.00001 yuan; a loss ratio (计损比例, percent); and for each of the 48 half hours of the day, from
 * 00:00, the number of the rate in force.
 *
 * <p>What YKC cannot carry is refused ({@link NotExpressible}), never approximated: another currency than CNY, more
 * than four periods, a period edge off the half hour, energy tiers, a different weekend or holiday plan, prices
 * finer than 0.00001 yuan, and fees per hour, per session or per idle minute, and a cap (the charger would show a
 * cost that the bill does not). Periods are matched to rate numbers by their names (sharp/尖, peak/峰, flat/平,
 * valley/谷) or by an explicit map.
 */
public record YkcBillingModel(long[] electricity, long[] service, int lossRatio, byte[] slots) {
    public static final String FORMAT = "YKC";
    /** Rate numbers: sharp, peak, flat, valley. */
    public static final int SHARP = 0;
    public static final int PEAK = 1;
    public static final int FLAT = 2;
    public static final int VALLEY = 3;
    /** Half hours in a day. */
    public static final int SLOTS = 48;
    /** Prices are carried in units of 10^-5 yuan. */
    static final int PRICE_SCALE = 5;
    /** Bytes of {@link #encode()}: 8 prices of 4 bytes, the loss ratio, 48 slot numbers. */
    public static final int ENCODED_LENGTH = 8 * 4 + 1 + SLOTS;

    private static final Map<String, Integer> CONVENTIONAL = Map.of("sharp", SHARP, "尖", SHARP, "peak", PEAK,
            "峰", PEAK, "flat", FLAT, "平", FLAT, "valley", VALLEY, "谷", VALLEY);

    public YkcBillingModel {
        if (electricity.length != 4 || service.length != 4 || slots.length != SLOTS) {
            throw new IllegalArgumentException("a YKC billing model has 4 rates and 48 slots");
        }
        if (lossRatio < 0 || lossRatio > 100) {
            throw new IllegalArgumentException("a loss ratio is 0-100 %");
        }
        electricity = electricity.clone();
        service = service.clone();
        slots = slots.clone();
    }

    /** The model of {@code tariff}, its periods named by their conventional names (sharp/尖, peak/峰, ...). */
    public static YkcBillingModel of(Tariff tariff) {
        return of(tariff, null, 0);
    }

    /**
     * The model of {@code tariff}; {@code rateOfPeriod} names the rate number (0-3) of each period (null: by the
     * conventional names); {@code lossRatio} in percent.
     */
    public static YkcBillingModel of(Tariff tariff, Map<String, Integer> rateOfPeriod, int lossRatio) {
        List<String> problems = new ArrayList<>();
        if (!"CNY".equals(tariff.currency().getCurrencyCode())) {
            problems.add("prices are in yuan (CNY), not " + tariff.currency().getCurrencyCode());
        }
        if (tariff.tiers() > 1) {
            problems.add("energy tiers cannot be sent: the price of a kWh depends only on the half hour");
        }
        if (tariff.periods().size() > 4) {
            problems.add("at most 4 periods (sharp, peak, flat, valley), not " + tariff.periods().size());
        }
        DayPlan weekend = tariff.weekends() != null ? tariff.weekends() : tariff.weekdays();
        DayPlan holiday = tariff.holidays() != null ? tariff.holidays() : weekend;
        if (!weekend.equals(tariff.weekdays())
                || (!tariff.holidayDates().isEmpty() && !holiday.equals(tariff.weekdays()))) {
            problems.add("one day plan for every day: weekend and holiday plans cannot be sent");
        }
        if (tariff.servicePerHour().signum() != 0) {
            problems.add("a service fee per hour cannot be sent");
        }
        if (tariff.sessionFee().signum() != 0) {
            problems.add("a session fee cannot be sent");
        }
        if (tariff.idleFee() != null) {
            problems.add("an idle fee cannot be sent");
        }
        if (tariff.cap() != null) {
            problems.add("a cap per session cannot be sent");
        }
        Map<String, Integer> rates = new LinkedHashMap<>();
        for (String name : tariff.periods().keySet()) {
            Integer rate = rateOfPeriod != null ? rateOfPeriod.get(name) : CONVENTIONAL.get(name.toLowerCase());
            if (rate == null || rate < 0 || rate > 3) {
                problems.add("period " + name + " has no rate number 0-3 (sharp, peak, flat, valley)");
            } else if (rates.containsValue(rate)) {
                problems.add("period " + name + " has the rate number of another period: " + rate);
            } else {
                rates.put(name, rate);
            }
        }
        long[] electricity = new long[4];
        long[] service = new long[4];
        for (Map.Entry<String, Integer> e : rates.entrySet()) {
            Period p = tariff.periods().get(e.getKey());
            electricity[e.getValue()] = units(p.energyPerKwh().get(0), "electricity price of " + e.getKey(), problems);
            service[e.getValue()] = units(p.servicePerKwh(), "service price of " + e.getKey(), problems);
        }
        byte[] slots = new byte[SLOTS];
        DayPlan plan = tariff.weekdays();
        for (DayPlan.Slot s : plan.slots()) {
            if (s.from().getSecond() != 0 || s.from().getNano() != 0 || s.from().getMinute() % 30 != 0) {
                problems.add("period " + s.period() + " starts at " + s.from() + ", not on a half hour");
            }
        }
        for (int i = 0; i < SLOTS; i++) {
            Integer rate = rates.get(plan.periodAt(LocalTime.MIDNIGHT.plusMinutes(30L * i)));
            slots[i] = (byte) (rate == null ? 0 : rate);
        }
        if (!problems.isEmpty()) {
            throw new NotExpressible(FORMAT, problems);
        }
        return new YkcBillingModel(electricity, service, lossRatio, slots);
    }

    private static long units(BigDecimal price, String what, List<String> problems) {
        BigDecimal scaled = price.movePointRight(PRICE_SCALE);
        if (scaled.stripTrailingZeros().scale() > 0) {
            problems.add(what + " " + price.toPlainString() + " is finer than 0.00001 yuan");
            return 0;
        }
        if (scaled.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            problems.add(what + " " + price.toPlainString() + " is too large");
            return 0;
        }
        return scaled.longValueExact();
    }

    /** The price of rate {@code rate} in yuan: electricity, or service. */
    public BigDecimal electricityPrice(int rate) {
        return BigDecimal.valueOf(electricity[rate], PRICE_SCALE);
    }

    public BigDecimal servicePrice(int rate) {
        return BigDecimal.valueOf(service[rate], PRICE_SCALE);
    }

    /** The rate number in force in half hour {@code slot} (0: 00:00-00:30). */
    public int rateAt(int slot) {
        return slots[slot];
    }

    /**
     * The billing model's fields as they follow the pile code and the model number in the frame: per rate sharp,
     * peak, flat, valley the electricity then the service price (4 bytes each, little-endian), the loss ratio
     * (1 byte), the 48 rate numbers (1 byte each).
     */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(ENCODED_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        for (int rate = 0; rate < 4; rate++) {
            b.putInt((int) electricity[rate]);
            b.putInt((int) service[rate]);
        }
        b.put((byte) lossRatio);
        b.put(slots);
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof YkcBillingModel m && Arrays.equals(electricity, m.electricity)
                && Arrays.equals(service, m.service) && lossRatio == m.lossRatio && Arrays.equals(slots, m.slots);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(electricity) + Arrays.hashCode(service)) + Arrays.hashCode(slots) + lossRatio;
    }

    @Override
    public String toString() {
        return "YkcBillingModel" + Arrays.toString(electricity) + Arrays.toString(service) + " loss " + lossRatio + " %"
                + Arrays.toString(slots);
    }

    /** Records expose their arrays; these give copies, so a model stays as it was made. */
    @Override
    public long[] electricity() {
        return electricity.clone();
    }

    @Override
    public long[] service() {
        return service.clone();
    }

    @Override
    public byte[] slots() {
        return slots.clone();
    }
}
