package io.chargeplane.pricing;

import java.math.BigDecimal;
import java.util.List;

/**
 * A named time-of-use period (尖 sharp, 峰 peak, 平 flat, 谷 valley, or any name an operator uses): its electricity
 * price per kWh for each energy tier of the tariff (one price when the tariff has no tiers), and the service fee per
 * kWh charged on top in this period (zero for none).
 */
public record Period(String name, List<BigDecimal> energyPerKwh, BigDecimal servicePerKwh) {
    public Period {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a period needs a name");
        }
        if (energyPerKwh == null || energyPerKwh.isEmpty()) {
            throw new IllegalArgumentException("period " + name + " needs an energy price");
        }
        energyPerKwh = List.copyOf(energyPerKwh);
        energyPerKwh.forEach(p -> Money.requireNotNegative(p, "energy price of period " + name));
        servicePerKwh = servicePerKwh == null ? BigDecimal.ZERO : servicePerKwh;
        Money.requireNotNegative(servicePerKwh, "service fee of period " + name);
    }

    /** One price for all energy, no service fee per kWh. */
    public static Period flat(String name, String energyPerKwh) {
        return new Period(name, List.of(new BigDecimal(energyPerKwh)), BigDecimal.ZERO);
    }

    public static Period of(String name, String energyPerKwh, String servicePerKwh) {
        return new Period(name, List.of(new BigDecimal(energyPerKwh)), new BigDecimal(servicePerKwh));
    }

    BigDecimal energyPrice(int tier) {
        return energyPerKwh.get(tier);
    }
}
