package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.pricing.Bill;

/**
 * What a session was priced with and what it cost: the tariff scope and version in force when it started, the
 * station's time zone the periods were read in, and the breakdown. {@code bill} is null when no tariff applied
 * ({@code note} says so).
 */
public record SessionPrice(String scope, Integer tariffVersion, String timeZone, Bill bill, String note)
        implements CborSerializable {
}
