package io.chargeplane.control.tariff;

import io.chargeplane.control.CborSerializable;

/**
 * The tariff that prices one session: the version in force when it started, the scope it came from, and the time
 * zone of the charger's station (its periods are the station's wall-clock time), and when that version took effect.
 */
public record SessionTariff(String scope, int version, TariffDocument tariff, String timeZone,
                            java.time.Instant effectiveFrom)
        implements CborSerializable {
}
