package io.chargeplane.pricing;

import java.time.Instant;

/** A billing reading: the energy register of the connector's meter, in Wh, at {@code at} (the charger's time). */
public record Reading(Instant at, long wh) {
    public Reading {
        if (at == null) {
            throw new IllegalArgumentException("a reading has a time");
        }
    }
}
