package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The idle fee (占位费): {@code perMinute} for each started minute a vehicle stays plugged in after charging has
 * ended, once {@code grace} has passed; at most {@code max} per session (null: no maximum).
 */
public record IdleFee(BigDecimal perMinute, Duration grace, BigDecimal max) {
    public IdleFee {
        Money.requireNotNegative(perMinute, "idle fee per minute");
        grace = grace == null ? Duration.ZERO : grace;
        if (grace.isNegative()) {
            throw new IllegalArgumentException("idle grace must be zero or more");
        }
        if (max != null) {
            Money.requireNotNegative(max, "idle fee maximum");
        }
    }
}
