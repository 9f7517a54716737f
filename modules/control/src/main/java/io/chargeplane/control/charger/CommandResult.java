package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import java.time.Instant;

/**
 * How a server-to-charger call ended. {@code outcome}: ANSWERED (the charger's CALLRESULT is in
 * {@code responseJson}), FAILED (CALLERROR, invalid answer, timeout, offline, restart: see {@code reason}).
 */
public record CommandResult(String commandId, String action, String outcome, String responseJson, String reason,
                            Instant acceptedAt, Instant completedAt) implements CborSerializable {
    public static final String ANSWERED = "ANSWERED";
    public static final String FAILED = "FAILED";
    public static final String PENDING = "PENDING";
}
