package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;

/** The encoded CALLRESULT or CALLERROR to send back for one charger call. */
public record OcppAnswer(String frame) implements CborSerializable {
}
