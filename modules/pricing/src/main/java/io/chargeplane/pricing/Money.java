package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * The rounding rule, in one place: a line's amount is rounded half-up (四舍五入) to the currency's minor unit
 * (CNY, EUR: cents; JPY: yen), and a bill's total is the sum of its rounded lines. Quantities are exact until then.
 */
public final class Money {
    /** Energy in kWh is carried to the milliwatt-hour, time in hours to the millisecond's share and better. */
    static final int QUANTITY_SCALE = 9;

    private Money() {
    }

    public static BigDecimal round(BigDecimal amount, Currency currency) {
        return amount.setScale(Math.max(currency.getDefaultFractionDigits(), 0), RoundingMode.HALF_UP);
    }

    static BigDecimal zero(Currency currency) {
        return round(BigDecimal.ZERO, currency);
    }

    static void requireNotNegative(BigDecimal value, String what) {
        if (value == null || value.signum() < 0) {
            throw new IllegalArgumentException(what + " must be zero or more");
        }
    }
}
