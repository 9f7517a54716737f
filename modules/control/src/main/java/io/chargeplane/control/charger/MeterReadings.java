package io.chargeplane.control.charger;

import io.chargeplane.control.telemetry.MeterSample;
import io.chargeplane.ocpp.v16.DataTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns OCPP meter values into telemetry rows, applying the defaults OCPP 1.6 gives to omitted fields. */
public final class MeterReadings {
    private MeterReadings() {
    }

    public static final String ENERGY_REGISTER = "Energy.Active.Import.Register";

    public static List<MeterSample> samples(String pileId, int connectorId, Integer transactionId,
                                            List<DataTypes.MeterValue> values, Instant receivedAt) {
        List<MeterSample> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (DataTypes.MeterValue mv : values) {
            if (mv.sampledValue() == null) {
                continue;
            }
            for (DataTypes.SampledValue sv : mv.sampledValue()) {
                String format = sv.format() == null ? "Raw" : sv.format().wire();
                out.add(new MeterSample(pileId, connectorId, transactionId, mv.timestamp(), receivedAt,
                        sv.measurand() == null ? ENERGY_REGISTER : sv.measurand().wire(),
                        sv.phase() == null ? null : sv.phase().wire(),
                        sv.location() == null ? "Outlet" : sv.location().wire(),
                        sv.unit() == null ? defaultUnit(sv) : sv.unit().wire(),
                        sv.context() == null ? "Sample.Periodic" : sv.context().wire(),
                        format, sv.value(), "Raw".equals(format) ? number(sv.value()) : null));
            }
        }
        return out;
    }

    private static String defaultUnit(DataTypes.SampledValue sv) {
        return sv.measurand() == null || sv.measurand().wire().startsWith("Energy.Active") ? "Wh" : null;
    }

    /** The total active import register in Wh, if this sample is one (no phase, unit Wh or kWh). */
    /**
     * The time a sample is ordered by: the charger's, unless it is ahead of the time of receipt by more than the
     * tolerance (a skewed clock, reported as CLOCK_SKEW); then the time of receipt, so that a reading stamped years
     * ahead does not hide every later one.
     */
    public static java.time.Instant orderingTime(MeterSample s, java.time.Duration skewTolerance) {
        return s.sampledAt().isAfter(s.receivedAt().plus(skewTolerance)) ? s.receivedAt() : s.sampledAt();
    }

    public static Long energyRegisterWh(MeterSample s) {
        if (!ENERGY_REGISTER.equals(s.measurand()) || s.phase() != null || s.number() == null) {
            return null;
        }
        if ("kWh".equals(s.unit())) {
            return Math.round(s.number() * 1000);
        }
        return "Wh".equals(s.unit()) || s.unit() == null ? Math.round(s.number()) : null;
    }

    private static Double number(String value) {
        try {
            return value == null ? null : Double.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
