package io.chargeplane.control.charger;

import io.chargeplane.control.telemetry.MeterSample;
import java.time.Instant;

/** What the pile reads from meter samples: the energy register, and the time a sample is ordered by. */
public final class MeterReadings {
    private MeterReadings() {
    }

    public static final String ENERGY_REGISTER = "Energy.Active.Import.Register";

    /**
     * The time a sample is ordered by: the charger's, unless it is ahead of the time of receipt by more than the
     * tolerance (a skewed clock, reported as CLOCK_SKEW); then the time of receipt, so that a reading stamped years
     * ahead does not hide every later one.
     */
    public static java.time.Instant orderingTime(MeterSample s, java.time.Duration skewTolerance) {
        return s.sampledAt().isAfter(s.receivedAt().plus(skewTolerance)) ? s.receivedAt() : s.sampledAt();
    }

    /** The total active import register in Wh, if this sample is one (no phase, unit Wh or kWh). */
    public static Long energyRegisterWh(MeterSample s) {
        if (!ENERGY_REGISTER.equals(s.measurand()) || s.phase() != null || s.number() == null) {
            return null;
        }
        if ("kWh".equals(s.unit())) {
            return Math.round(s.number() * 1000);
        }
        return "Wh".equals(s.unit()) || s.unit() == null ? Math.round(s.number()) : null;
    }
}
