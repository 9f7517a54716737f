package io.chargeplane.ocpp;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** OCPP timestamps: parsed with their offset and kept in UTC; one without an offset is read as UTC and marked. */
public final class Timestamps {
    private Timestamps() {
    }

    public record Parsed(Instant instant, boolean offsetMissing) {
    }

    public static Parsed parse(String text) {
        try {
            return new Parsed(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), false);
        } catch (DateTimeParseException withoutOffset) {
            return new Parsed(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC), true);
        }
    }
}
