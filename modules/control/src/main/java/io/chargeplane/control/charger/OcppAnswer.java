package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;

/** The encoded CALLRESULT or CALLERROR to send back for the charger call {@code messageId}. */
public record OcppAnswer(String messageId, String frame) implements CborSerializable {
}
