package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What a session is priced from: its billing readings (the start, the energy checkpoints, the stop; in any order,
 * priced in order of time), when charging ended (null: it has not, or the charger did not say; no idle fee then)
 * and until when it is priced (the stop for the final bill, now for the running cost: one function for both).
 * {@code maxPowerKw}, when known, flags energy faster than the charger can deliver.
 */
public record SessionReadings(List<Reading> readings, Instant chargingEndedAt, Instant until, BigDecimal maxPowerKw) {
    public SessionReadings {
        if (readings == null || readings.isEmpty()) {
            throw new IllegalArgumentException("a session is priced from at least its start reading");
        }
        readings = readings.stream().sorted(Comparator.comparing(Reading::at)).toList();
        Instant last = readings.get(readings.size() - 1).at();
        until = until == null || until.isBefore(last) ? last : until;
    }

    public static SessionReadings of(Instant until, Reading... readings) {
        return new SessionReadings(List.of(readings), null, until, null);
    }

    public Reading start() {
        return readings.get(0);
    }

    /** The same session with one more reading (a session going on). */
    public SessionReadings with(Reading next, Instant newUntil) {
        List<Reading> more = new java.util.ArrayList<>(readings);
        more.add(next);
        return new SessionReadings(more, chargingEndedAt, newUntil, maxPowerKw);
    }
}
