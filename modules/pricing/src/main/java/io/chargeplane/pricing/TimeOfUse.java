package io.chargeplane.pricing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a span of time into pieces at the edges of the tariff's periods, in the station's time zone: a period edge
 * is a wall-clock time, so on a day the clocks change the hours between two edges are not the hours on the clock.
 * An edge that falls into the hour the clocks skip is taken where the skipped hour ends; an edge inside the hour the
 * clocks repeat is taken in the pass the span is in.
 */
final class TimeOfUse {
    /** {@code [from, to)} lies in period {@code period}. */
    record Piece(Instant from, Instant to, String period) {
    }

    private TimeOfUse() {
    }

    static List<Piece> split(Tariff tariff, ZoneId zone, Instant from, Instant to) {
        List<Piece> pieces = new ArrayList<>();
        Instant t = from;
        while (t.isBefore(to)) {
            ZonedDateTime local = t.atZone(zone);
            LocalDate date = local.toLocalDate();
            DayPlan plan = tariff.planFor(date);
            int slot = plan.slotAt(local.toLocalTime());
            LocalTime end = plan.endOf(slot);
            Instant edge = end == null ? date.plusDays(1).atStartOfDay(zone).toInstant()
                    : instantOf(LocalDateTime.of(date, end), zone, local.getOffset());
            if (!edge.isAfter(t)) { // cannot happen with a well-formed zone; never loop
                edge = date.plusDays(1).atStartOfDay(zone).toInstant();
            }
            Instant pieceEnd = edge.isBefore(to) ? edge : to;
            String period = plan.slots().get(slot).period();
            if (!pieces.isEmpty() && pieces.get(pieces.size() - 1).period().equals(period)) {
                Piece last = pieces.remove(pieces.size() - 1); // same period across midnight: one piece
                pieces.add(new Piece(last.from(), pieceEnd, period));
            } else {
                pieces.add(new Piece(t, pieceEnd, period));
            }
            t = pieceEnd;
        }
        return pieces;
    }

    /** The first instant at which the wall clock shows {@code ldt} (or has just passed it, in a gap). */
    private static Instant instantOf(LocalDateTime ldt, ZoneId zone, ZoneOffset current) {
        List<ZoneOffset> valid = zone.getRules().getValidOffsets(ldt);
        if (valid.isEmpty()) {
            ZoneOffsetTransition gap = zone.getRules().getTransition(ldt);
            return gap.getInstant();
        }
        ZoneOffset offset = valid.contains(current) ? current : valid.get(0);
        return ldt.toInstant(offset);
    }
}
