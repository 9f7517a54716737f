package io.chargeplane.control.tariff;

import java.util.regex.Pattern;

/**
 * Where a tariff applies: the whole network, one station, or one charger; for a charger the most specific scope that
 * has a version in force wins (charger, then its station, then the network). Written {@code network},
 * {@code station:<stationId>}, {@code charger:<pileId>}: the tariff entity's id and the REST path segment.
 */
public record TariffScope(Kind kind, String id) {
    public enum Kind { NETWORK, STATION, CHARGER }

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    public static final TariffScope NETWORK = new TariffScope(Kind.NETWORK, null);

    public TariffScope {
        if (kind == null || (kind == Kind.NETWORK) != (id == null) || (id != null && !ID.matcher(id).matches())) {
            throw new IllegalArgumentException("a tariff scope is network, station:<id> or charger:<id> "
                    + "(ids of 1-64 characters of [A-Za-z0-9._-])");
        }
    }

    public static TariffScope station(String stationId) {
        return new TariffScope(Kind.STATION, stationId);
    }

    public static TariffScope charger(String pileId) {
        return new TariffScope(Kind.CHARGER, pileId);
    }

    /** Reads {@code network}, {@code station:S1} or {@code charger:C1}; IllegalArgumentException otherwise. */
    public static TariffScope parse(String text) {
        if ("network".equals(text)) {
            return NETWORK;
        }
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon > 0) {
            String kind = text.substring(0, colon);
            String id = text.substring(colon + 1);
            if (kind.equals("station")) {
                return station(id);
            }
            if (kind.equals("charger")) {
                return charger(id);
            }
        }
        throw new IllegalArgumentException("a tariff scope is network, station:<id> or charger:<id>, not " + text);
    }

    @Override
    public String toString() {
        return kind == Kind.NETWORK ? "network" : kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }
}
