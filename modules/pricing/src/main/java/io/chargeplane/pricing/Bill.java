package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.List;

/**
 * The priced session: one line per charge, each rounded by itself ({@link Money}), electricity apart from the
 * service fees and the idle fee, and the total as the sum of all lines (the cap, when it applies, is a line of its
 * own that takes the total down to it). {@code flags} name what in the readings was not as a meter reads (the
 * energy register going backwards): a flagged bill is for an operator to look at, not to charge silently.
 */
public record Bill(Currency currency, List<Line> lines, BigDecimal electricity, BigDecimal service, BigDecimal idle,
                   BigDecimal total, BigDecimal energyKwh, Duration chargingTime, Duration idleTime,
                   List<String> flags) {
    /** What a line charges for. */
    public enum Kind {
        /** Electricity of one period and tier, per kWh. */
        ELECTRICITY,
        /** The service fee per kWh of one period. */
        SERVICE_ENERGY,
        /** The service fee per hour of charging. */
        SERVICE_TIME,
        /** The fee per session. */
        SESSION_FEE,
        /** The idle fee, per minute after charging ended and its grace. */
        IDLE,
        /** Down to the tariff's cap per session (negative). */
        CAP
    }

    /**
     * {@code quantity} of {@code unit} (kWh, h, min, session) at {@code unitPrice}; {@code period} and {@code tier}
     * for the lines priced by them (null otherwise). {@code amount} is computed from the exact quantity; the
     * quantity shown is rounded to the Wh, the second or the minute.
     */
    public record Line(Kind kind, String period, Integer tier, BigDecimal quantity, String unit, BigDecimal unitPrice,
                       BigDecimal amount) {
    }

    public List<Line> lines(Kind kind) {
        return lines.stream().filter(l -> l.kind() == kind).toList();
    }
}
