package io.chargeplane.control.charger;

import io.chargeplane.control.telemetry.MeterSample;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pile's newest reading of each measurand (and phase) per connector, for its live view: newest by the charger's
 * timestamp, or by the time of receipt for a sample stamped too far ahead of it ({@link MeterReadings#orderingTime}).
 *
 * <p>Kept in place: a reading that replaces the previous one of its measurand overwrites numbers in the object that
 * already holds it, instead of a new record with the sample's value and time objects. Every charger sends meter
 * values, so with a new record per sample each young collection found a fresh record (and its strings and
 * timestamp) for every sampled value of every charger, still referenced from the long-lived pile, and copied them
 * all: at 10,000 chargers with 4 sampled values, about a third of the objects that collection copied
 * (docs/benchmarks-history.md, eleventh round). A decimal value is kept as its digits and scale, exactly as sent; any other
 * text is kept as it came.
 */
final class LatestReadings {
    private final Map<Integer, Map<String, Reading>> byConnector = new HashMap<>();
    private final java.time.Duration skewTolerance;

    LatestReadings(java.time.Duration skewTolerance) {
        this.skewTolerance = skewTolerance;
    }

    void remember(MeterSample sample) {
        Map<String, Reading> byKey = byConnector.computeIfAbsent(sample.connectorId(), k -> new HashMap<>());
        String key = sample.phase() == null ? sample.measurand() : sample.measurand() + "/" + sample.phase();
        Reading was = byKey.get(key);
        Instant orderAt = MeterReadings.orderingTime(sample, skewTolerance);
        if (was == null) {
            Reading r = new Reading(sample.measurand(), sample.phase());
            r.set(sample, orderAt);
            byKey.put(key, r);
        } else if (!was.isAfter(orderAt)) {
            was.set(sample, orderAt);
        }
    }

    /** A copy for the view: connector id -> its readings. */
    Map<Integer, List<PileView.LatestReading>> view() {
        Map<Integer, List<PileView.LatestReading>> out = new HashMap<>();
        byConnector.forEach((connector, byKey) -> {
            List<PileView.LatestReading> list = new ArrayList<>(byKey.size());
            for (Reading r : byKey.values()) {
                list.add(new PileView.LatestReading(r.measurand, r.phase, r.unit, r.value(), r.sampledAt()));
            }
            out.put(connector, List.copyOf(list));
        });
        return out;
    }

    private static final class Reading {
        final String measurand;
        final String phase;
        String unit;
        /** The value as digits and scale when it is a plain decimal; else {@link #text}. */
        long unscaled;
        int scale;
        String text;
        long epochSecond;
        int nano;
        /** What the reading is ordered by (the sample's time, or its receipt for a skewed clock). */
        long orderSecond;
        int orderNano;

        Reading(String measurand, String phase) {
            this.measurand = measurand;
            this.phase = phase;
        }

        void set(MeterSample sample, Instant orderAt) {
            if (!Objects.equals(unit, sample.unit())) {
                unit = sample.unit(); // the same unit as before keeps the string already held
            }
            if (!setDecimal(sample.value())) {
                text = sample.value();
            }
            epochSecond = sample.sampledAt().getEpochSecond();
            nano = sample.sampledAt().getNano();
            orderSecond = orderAt.getEpochSecond();
            orderNano = orderAt.getNano();
        }

        boolean isAfter(Instant t) {
            return orderSecond > t.getEpochSecond() || orderSecond == t.getEpochSecond() && orderNano > t.getNano();
        }

        /**
         * Keeps a plain decimal ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?}, up to 18 digits, not a negative zero) as
         * digits and scale, which give back exactly the same text; false for anything else.
         */
        boolean setDecimal(String s) {
            int n = s == null ? 0 : s.length();
            boolean negative = n > 0 && s.charAt(0) == '-';
            int i = negative ? 1 : 0;
            int intStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            int intDigits = i - intStart;
            if (intDigits == 0 || intDigits > 1 && s.charAt(intStart) == '0') {
                return false;
            }
            int fracDigits = 0;
            if (i < n && s.charAt(i) == '.') {
                int fracStart = ++i;
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
                fracDigits = i - fracStart;
                if (fracDigits == 0) {
                    return false;
                }
            }
            if (i != n || intDigits + fracDigits > 18) {
                return false;
            }
            long digits = 0;
            for (int k = intStart; k < n; k++) {
                char c = s.charAt(k);
                if (c != '.') {
                    digits = digits * 10 + (c - '0');
                }
            }
            if (negative && digits == 0) {
                return false; // "-0.0" would come back as "0.0"
            }
            unscaled = negative ? -digits : digits;
            scale = fracDigits;
            text = null;
            return true;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        String value() {
            return text != null ? text : BigDecimal.valueOf(unscaled, scale).toPlainString();
        }

        Instant sampledAt() {
            return Instant.ofEpochSecond(epochSecond, nano);
        }
    }
}
