package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices a session from its billing readings in the station's time zone. The energy between two readings is spread
 * evenly over the time between them and cut at the tariff's period edges (a period edge without a reading on it is
 * priced as if the power was constant), then cut at the tier edges by the energy delivered so far in the session.
 * The same function gives the running cost and the final bill.
 */
public final class TariffCalculator {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal NANOS_PER_HOUR = BigDecimal.valueOf(3_600_000_000_000L);
    /** A meter may run a little ahead of the rated power (rounding of registers, a short boost). */
    private static final BigDecimal POWER_TOLERANCE = new BigDecimal("1.10");

    private TariffCalculator() {
    }

    /** The energy of one period and tier in the session, in Wh (exact, fractions of a Wh where split). */
    record Bucket(String period, int tier, BigDecimal wh) {
    }

    public static Bill price(Tariff tariff, ZoneId zone, SessionReadings session) {
        List<String> flags = new ArrayList<>();
        List<Bucket> buckets = energy(tariff, zone, session, flags);
        List<Bill.Line> lines = new ArrayList<>();
        Map<String, BigDecimal> byPeriod = new LinkedHashMap<>();
        BigDecimal totalWh = BigDecimal.ZERO;
        for (Bucket b : buckets) {
            BigDecimal kwh = b.wh().divide(THOUSAND);
            BigDecimal price = tariff.periods().get(b.period()).energyPrice(b.tier());
            lines.add(new Bill.Line(Bill.Kind.ELECTRICITY, b.period(), b.tier(), kwh.setScale(3, RoundingMode.HALF_UP),
                    "kWh", price, amount(kwh.multiply(price), tariff)));
            byPeriod.merge(b.period(), kwh, BigDecimal::add);
            totalWh = totalWh.add(b.wh());
        }
        byPeriod.forEach((period, kwh) -> {
            BigDecimal price = tariff.periods().get(period).servicePerKwh();
            if (price.signum() > 0) {
                lines.add(new Bill.Line(Bill.Kind.SERVICE_ENERGY, period, null, kwh.setScale(3, RoundingMode.HALF_UP),
                        "kWh", price, amount(kwh.multiply(price), tariff)));
            }
        });
        Instant start = session.start().at();
        Instant chargingEnd = session.chargingEndedAt() != null && session.chargingEndedAt().isBefore(session.until())
                ? session.chargingEndedAt() : session.until();
        Duration charging = nonNegative(Duration.between(start, chargingEnd));
        if (tariff.servicePerHour().signum() > 0) {
            BigDecimal nanos = BigDecimal.valueOf(charging.toNanos());
            lines.add(new Bill.Line(Bill.Kind.SERVICE_TIME, null, null,
                    nanos.divide(NANOS_PER_HOUR, 4, RoundingMode.HALF_UP), "h", tariff.servicePerHour(),
                    amount(nanos.multiply(tariff.servicePerHour()).divide(NANOS_PER_HOUR, 12, RoundingMode.HALF_UP),
                            tariff)));
        }
        if (tariff.sessionFee().signum() > 0) {
            lines.add(new Bill.Line(Bill.Kind.SESSION_FEE, null, null, BigDecimal.ONE, "session", tariff.sessionFee(),
                    amount(tariff.sessionFee(), tariff)));
        }
        Duration idle = session.chargingEndedAt() == null ? Duration.ZERO
                : nonNegative(Duration.between(chargingEnd, session.until()));
        IdleFee fee = tariff.idleFee();
        if (fee != null && idle.compareTo(fee.grace()) > 0) {
            Duration billed = idle.minus(fee.grace());
            long minutes = (billed.toNanos() + 59_999_999_999L) / 60_000_000_000L; // each started minute
            BigDecimal due = fee.perMinute().multiply(BigDecimal.valueOf(minutes));
            if (fee.max() != null && due.compareTo(fee.max()) > 0) {
                due = fee.max();
            }
            lines.add(new Bill.Line(Bill.Kind.IDLE, null, null, BigDecimal.valueOf(minutes), "min", fee.perMinute(),
                    amount(due, tariff)));
        }
        BigDecimal electricity = sum(lines, Bill.Kind.ELECTRICITY);
        BigDecimal service = sum(lines, Bill.Kind.SERVICE_ENERGY).add(sum(lines, Bill.Kind.SERVICE_TIME))
                .add(sum(lines, Bill.Kind.SESSION_FEE));
        BigDecimal idleFee = sum(lines, Bill.Kind.IDLE);
        BigDecimal total = electricity.add(service).add(idleFee);
        if (tariff.cap() != null) {
            BigDecimal cap = amount(tariff.cap(), tariff);
            if (total.compareTo(cap) > 0) {
                lines.add(new Bill.Line(Bill.Kind.CAP, null, null, BigDecimal.ONE, "session", cap,
                        cap.subtract(total)));
                total = cap;
            }
        }
        return new Bill(tariff.currency(), List.copyOf(lines), round(electricity, tariff), round(service, tariff),
                round(idleFee, tariff), round(total, tariff), totalWh.divide(THOUSAND).setScale(3, RoundingMode.HALF_UP),
                charging, idle, List.copyOf(flags));
    }

    /** What a charger under {@code tariff} costs at {@code at}, on the station's clock. */
    public static Quote quote(Tariff tariff, ZoneId zone, Instant at) {
        java.time.ZonedDateTime local = at.atZone(zone);
        DayPlan plan = tariff.planFor(local.toLocalDate());
        String kind = tariff.holidayDates().contains(local.toLocalDate()) ? "holiday"
                : plan == tariff.weekdays() ? "weekday" : "weekend";
        Period p = tariff.periods().get(plan.periodAt(local.toLocalTime()));
        return new Quote(local.toLocalDate(), kind, p.name(), tariff.tierStartsKwh(), p.energyPerKwh(),
                p.servicePerKwh(), tariff.servicePerHour(), tariff.sessionFee(), tariff.idleFee(), tariff.cap(),
                tariff.currency().getCurrencyCode());
    }

    /**
     * The session's energy by period and tier, in the order first delivered. Each interval between two readings
     * is split exactly: its last piece takes what the others leave, so the buckets add up to the register's rise.
     */
    static List<Bucket> energy(Tariff tariff, ZoneId zone, SessionReadings session, List<String> flags) {
        Map<String, Bucket> buckets = new LinkedHashMap<>();
        BigDecimal deliveredWh = BigDecimal.ZERO;
        List<Reading> r = session.readings();
        Reading a = r.get(0); // the last good reading
        Reading low = null; // a reading below it, not yet known to be a placeholder or a reset register
        for (int i = 1; i < r.size(); i++) {
            Reading b = r.get(i);
            Reading from;
            if (b.wh() >= a.wh()) {
                from = a; // also after a fall: the low reading was a placeholder (an offline 0), not a new base
            } else if (low != null && b.wh() > low.wh()) {
                from = low; // rising again below the last good reading: the register was reset; count from it
            } else {
                flags.add("the energy register went back from " + a.wh() + " Wh to " + b.wh() + " Wh at " + b.at());
                low = b;
                continue;
            }
            low = null;
            a = b;
            long rise = b.wh() - from.wh();
            if (rise == 0) {
                continue;
            }
            Duration span = Duration.between(from.at(), b.at());
            if (session.maxPowerKw() != null && BigDecimal.valueOf(rise).multiply(NANOS_PER_HOUR).compareTo(
                    session.maxPowerKw().multiply(THOUSAND).multiply(POWER_TOLERANCE)
                            .multiply(BigDecimal.valueOf(span.toNanos()))) > 0) {
                flags.add(rise + " Wh between " + from.at() + " and " + b.at() + " is more than the charger's "
                        + session.maxPowerKw() + " kW can deliver");
            }
            java.time.ZonedDateTime local = from.at().atZone(zone);
            List<TimeOfUse.Piece> pieces = span.isZero()
                    ? List.of(new TimeOfUse.Piece(from.at(), b.at(),
                    tariff.planFor(local.toLocalDate()).periodAt(local.toLocalTime())))
                    : TimeOfUse.split(tariff, zone, from.at(), b.at());
            BigDecimal left = BigDecimal.valueOf(rise);
            BigDecimal spanNanos = BigDecimal.valueOf(span.toNanos());
            for (int k = 0; k < pieces.size(); k++) {
                TimeOfUse.Piece p = pieces.get(k);
                BigDecimal wh = k == pieces.size() - 1 ? left
                        : BigDecimal.valueOf(rise).multiply(BigDecimal.valueOf(Duration.between(p.from(), p.to()).toNanos()))
                        .divide(spanNanos, Money.QUANTITY_SCALE, RoundingMode.HALF_UP);
                left = left.subtract(wh);
                deliveredWh = byTier(tariff, p.period(), wh, deliveredWh, buckets);
            }
        }
        return List.copyOf(buckets.values());
    }

    /** Adds {@code wh} of {@code period} after {@code deliveredWh}, cut at the tier edges; the new delivered total. */
    private static BigDecimal byTier(Tariff tariff, String period, BigDecimal wh, BigDecimal deliveredWh,
                                     Map<String, Bucket> buckets) {
        BigDecimal left = wh;
        while (left.signum() > 0) {
            int tier = tariff.tierAt(deliveredWh.divide(THOUSAND));
            BigDecimal take = left;
            if (tier + 1 < tariff.tiers()) {
                BigDecimal room = tariff.tierStartsKwh().get(tier + 1).multiply(THOUSAND).subtract(deliveredWh);
                take = take.min(room);
            }
            String key = period + "\u0000" + tier;
            Bucket before = buckets.get(key);
            buckets.put(key, new Bucket(period, tier, before == null ? take : before.wh().add(take)));
            deliveredWh = deliveredWh.add(take);
            left = left.subtract(take);
        }
        return deliveredWh;
    }

    private static BigDecimal amount(BigDecimal exact, Tariff tariff) {
        return Money.round(exact, tariff.currency());
    }

    private static BigDecimal round(BigDecimal v, Tariff tariff) {
        return Money.round(v, tariff.currency());
    }

    private static BigDecimal sum(List<Bill.Line> lines, Bill.Kind kind) {
        return lines.stream().filter(l -> l.kind() == kind).map(Bill.Line::amount).reduce(BigDecimal.ZERO,
                BigDecimal::add);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
