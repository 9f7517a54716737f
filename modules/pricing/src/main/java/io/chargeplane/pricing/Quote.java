package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * What a charger costs at one moment: the period in force on the station's clock and its prices (electricity per
 * kWh by tier, service per kWh), with the tariff's prices that do not depend on the time of day.
 */
public record Quote(LocalDate localDate, String dayKind, String period, List<BigDecimal> tierStartsKwh,
                    List<BigDecimal> energyPerKwh, BigDecimal servicePerKwh, BigDecimal servicePerHour,
                    BigDecimal sessionFee, IdleFee idleFee, BigDecimal cap, String currency) {
}
