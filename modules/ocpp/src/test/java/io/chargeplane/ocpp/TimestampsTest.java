package io.chargeplane.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    /** What java.time's ISO formatters make of the text: the reference the fast path must agree with. */
    private static Timestamps.Parsed reference(String text) {
        try {
            return new Timestamps.Parsed(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), false);
        } catch (DateTimeException withoutOffset) {
            return new Timestamps.Parsed(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC), true);
        }
    }

    @Test
    void readsEveryShapeChargersSendLikeTheIsoFormatters() {
        for (String text : List.of("2026-11-25T21:30:00Z", "2026-11-25T21:30:00.123Z", "2026-11-25T21:30:00.1Z",
                "2026-11-25T21:30:00.123456789Z", "2026-11-25T23:30:00+02:00", "2026-11-25T18:00:00.5-03:30",
                "2024-02-29T00:00:00Z", "2026-11-25T21:30:00", "2026-11-25T21:30:00.250", "2026-11-25T00:00:00+00:00",
                "1999-12-31T23:59:59-18:00")) {
            assertEquals(reference(text), Timestamps.parse(text), text);
        }
    }

    @Test
    void marksATimestampWithoutOffsetAndReadsItAsUtc() {
        Timestamps.Parsed p = Timestamps.parse("2026-11-25T21:30:00");
        assertTrue(p.offsetMissing());
        assertEquals(Instant.parse("2026-11-25T21:30:00Z"), p.instant());
        assertFalse(Timestamps.parse("2026-11-25T21:30:00Z").offsetMissing());
    }

    @Test
    void rejectsImpossibleDatesAndMalformedText() {
        for (String text : List.of("2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-25T24:00:01Z",
                "2026-11-25T21:60:00Z", "2026-11-25 21:30:00Z", "2026-11-25T21:30:00+2:00",
                "yesterday", "2026-11-25T21:30:00+19:00")) {
            assertThrows(DateTimeException.class, () -> Timestamps.parse(text), text);
        }
    }
}
