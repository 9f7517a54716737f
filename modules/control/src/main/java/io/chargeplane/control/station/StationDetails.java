package io.chargeplane.control.station;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Result;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an operator edits of a station (S2): name, address, map coordinates, time zone (prices follow local time),
 * contact phone, opening hours (OpenStreetMap {@code opening_hours} syntax, e.g. "24/7"), photo ids. Pure data with
 * its own validation; the entity keeps a live copy and at most one proposed copy.
 */
public record StationDetails(String name, Address address, double latitude, double longitude, String timeZone,
                             String phone, String openingHours, List<String> photos) implements CborSerializable {

    public record Address(String line1, String line2, String postalCode, String city, String country)
            implements CborSerializable {
    }

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()\\-]{4,24}");
    private static final Pattern PHOTO_ID = Pattern.compile("[0-9a-f]{64}");
    public static final int MAX_PHOTOS = 20;

    public StationDetails {
        photos = photos == null ? List.of() : List.copyOf(photos);
    }

    /** The first thing wrong, naming its field ({@code address.city}), or empty. */
    public Optional<Result.Rejection> validate() {
        if (blank(name) || name.length() > 120) {
            return bad("name", "name is required, at most 120 characters");
        }
        if (address == null) {
            return bad("address", "address is required");
        }
        if (blank(address.line1()) || address.line1().length() > 200) {
            return bad("address.line1", "address.line1 is required, at most 200 characters");
        }
        if (address.line2() != null && address.line2().length() > 200) {
            return bad("address.line2", "address.line2 has at most 200 characters");
        }
        if (blank(address.city()) || address.city().length() > 100) {
            return bad("address.city", "address.city is required, at most 100 characters");
        }
        if (address.postalCode() != null && address.postalCode().length() > 20) {
            return bad("address.postalCode", "address.postalCode has at most 20 characters");
        }
        if (address.country() == null || !COUNTRIES.contains(address.country())) {
            return bad("address.country", "address.country must be an ISO 3166-1 alpha-2 code such as DE or CN");
        }
        if (!(latitude >= -90 && latitude <= 90)) {
            return bad("latitude", "latitude must be between -90 and 90");
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            return bad("longitude", "longitude must be between -180 and 180");
        }
        if (timeZone == null || !ZONES.contains(timeZone)) {
            return bad("timeZone", "timeZone must be an IANA time zone such as Europe/Berlin or Asia/Shanghai");
        }
        if (phone != null && !PHONE.matcher(phone).matches()) {
            return bad("phone", "phone must be 5-25 digits, optionally with +, spaces, dashes and parentheses");
        }
        if (openingHours != null && (openingHours.isBlank() || openingHours.length() > 255)) {
            return bad("openingHours", "openingHours has 1-255 characters (OpenStreetMap opening_hours syntax)");
        }
        if (photos.size() > MAX_PHOTOS) {
            return bad("photos", "at most " + MAX_PHOTOS + " photos");
        }
        for (String p : photos) {
            if (p == null || !PHOTO_ID.matcher(p).matches()) {
                return bad("photos", "photos are ids answered by POST /api/photos");
            }
        }
        return Optional.empty();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Optional<Result.Rejection> bad(String field, String detail) {
        return Optional.of(new Result.Rejection(Result.Reason.INVALID, field, detail));
    }
}
