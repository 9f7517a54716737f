package io.chargeplane.control.telemetry;

import io.chargeplane.control.CborSerializable;
import java.time.Instant;

/** One sampled value of a charger's meter, placed by the charger's timestamp; {@code number} is null for signed data. */
public record MeterSample(String pileId, int connectorId, Integer transactionId, Instant sampledAt, Instant receivedAt,
                          String measurand, String phase, String location, String unit, String context,
                          String format, String value, Double number) implements CborSerializable {
}
