package io.chargeplane.control.charger.rules;

import io.chargeplane.control.charger.ChargingSession;
import io.chargeplane.control.charger.SessionPrice;
import io.chargeplane.control.tariff.SessionTariff;
import io.chargeplane.pricing.Bill;
import io.chargeplane.pricing.Reading;
import io.chargeplane.pricing.SessionReadings;
import io.chargeplane.pricing.TariffCalculator;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A session's cost from its billing readings, with the tariff that was in force when it started: the one function
 * behind the running cost while it charges and the bill when it ends, so that the two never disagree. No actor, no
 * I/O.
 */
public final class SessionPricing {
    private SessionPricing() {
    }

    /**
     * The final bill of an ended session: its readings up to the stop; charging ended at the last reading that
     * still rose (idle time after it, if the tariff has an idle fee).
     */
    public static SessionPrice finalBill(ChargingSession ended, SessionTariff tariff, Double maxPowerKw) {
        List<Reading> readings = ended.billingReadings(new Reading(ended.stoppedAt(), ended.meterStop()));
        return price(readings, lastRise(readings), ended.stoppedAt(), tariff, maxPowerKw);
    }

    /** The running cost of an open session up to its live register, read at {@code now}; no idle time yet. */
    public static SessionPrice running(ChargingSession open, SessionTariff tariff, Instant now, Double maxPowerKw) {
        Reading live = open.lastMeterWh() == null ? null : new Reading(open.lastMeterAt(), open.lastMeterWh());
        List<Reading> readings = open.billingReadings(live);
        return price(readings, null, now, tariff, maxPowerKw);
    }

    private static SessionPrice price(List<Reading> readings, Instant chargingEnded, Instant until,
                                      SessionTariff tariff, Double maxPowerKw) {
        Bill bill = TariffCalculator.price(tariff.tariff().toTariff(), ZoneId.of(tariff.timeZone()),
                new SessionReadings(readings, chargingEnded, until,
                        maxPowerKw == null ? null : BigDecimal.valueOf(maxPowerKw)));
        return new SessionPrice(tariff.scope(), tariff.version(), tariff.timeZone(), bill, null);
    }

    /** The time of the last reading whose register was above the one before it (null: it never rose). */
    static Instant lastRise(List<Reading> readings) {
        Instant at = null;
        for (int i = 1; i < readings.size(); i++) {
            if (readings.get(i).wh() > readings.get(i - 1).wh()) {
                at = readings.get(i).at();
            }
        }
        return at;
    }
}
