package io.chargeplane.pricing.export;

import java.util.List;

/**
 * A tariff that a charger protocol cannot carry as it is: every reason, so that an operator can fix them all at once.
 * A tariff is never sent approximated: a charger that shows or bills another price than the back office would be
 * the bug class the one calculator exists to prevent.
 */
public final class NotExpressible extends IllegalArgumentException {
    private final String format;
    private final List<String> reasons;

    public NotExpressible(String format, List<String> reasons) {
        super(format + " cannot carry this tariff: " + String.join("; ", reasons));
        this.format = format;
        this.reasons = List.copyOf(reasons);
    }

    /** The format that refused, e.g. {@code YKC} or {@code OCPP 2.1}. */
    public String format() {
        return format;
    }

    public List<String> reasons() {
        return reasons;
    }
}
