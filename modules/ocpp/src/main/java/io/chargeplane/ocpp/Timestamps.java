package io.chargeplane.ocpp;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * OCPP timestamps: parsed with their offset and kept in UTC; one without an offset is read as UTC and marked.
 *
 * <p>Every MeterValues and StatusNotification carries one, so the common shape
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+hh:mm|-hh:mm)} is read by hand (java.time's formatter cost a tenth of
 * the server's CPU in the message-mix benchmark); anything else goes through the ISO formatters, which decide.
 */
public final class Timestamps {
    private Timestamps() {
    }

    public record Parsed(Instant instant, boolean offsetMissing) {
    }

    public static Parsed parse(String text) {
        Parsed fast = fastPath(text);
        if (fast != null) {
            return fast;
        }
        try {
            return new Parsed(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), false);
        } catch (DateTimeParseException withoutOffset) {
            return new Parsed(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC), true);
        }
    }

    /** The common shape, or null to let the formatters decide (and produce their error). */
    private static Parsed fastPath(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                if (i - start < 9) {
                    nanos = nanos * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        boolean offsetMissing = false;
        if (i == n) {
            offsetSeconds = 0;
            offsetMissing = true;
        } else if (s.charAt(i) == 'Z' && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if ((oh | om) < 0 || oh > 18 || om > 59) {
                return null;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        try {
            long epochSecond = LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(ZoneOffset.UTC) - offsetSeconds;
            return new Parsed(Instant.ofEpochSecond(epochSecond, nanos), offsetMissing);
        } catch (DateTimeException outOfRange) {
            return null;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The decimal number in s[from, from+len), or -1 if any of those is not a digit. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int k = from; k < from + len; k++) {
            char c = s.charAt(k);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
