package io.chargeplane.pricing;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Which period is in force at each time of one kind of day: slots in order, the first from 00:00, each until the
 * next one's start (the last until midnight), so the whole day is covered by construction. Times are the station's
 * wall-clock time.
 */
public record DayPlan(List<Slot> slots) {
    /** From {@code from} (local time) period {@code period} is in force. */
    public record Slot(LocalTime from, String period) {
        public Slot {
            if (from == null || period == null || period.isBlank()) {
                throw new IllegalArgumentException("a slot needs a start time and a period");
            }
        }
    }

    public DayPlan {
        if (slots == null || slots.isEmpty() || !slots.get(0).from().equals(LocalTime.MIDNIGHT)) {
            throw new IllegalArgumentException("a day plan starts at 00:00");
        }
        for (int i = 1; i < slots.size(); i++) {
            if (!slots.get(i).from().isAfter(slots.get(i - 1).from())) {
                throw new IllegalArgumentException("the slots of a day plan are in order of their start, each once: "
                        + slots.get(i).from());
            }
        }
        slots = List.copyOf(slots);
    }

    /** {@code "00:00", "valley", "08:00", "flat", ...}: start and period, pairwise. */
    public static DayPlan of(String... startsAndPeriods) {
        if (startsAndPeriods.length % 2 != 0) {
            throw new IllegalArgumentException("start times and periods come in pairs");
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < startsAndPeriods.length; i += 2) {
            slots.add(new Slot(LocalTime.parse(startsAndPeriods[i]), startsAndPeriods[i + 1]));
        }
        return new DayPlan(slots);
    }

    /** The one period all day. */
    public static DayPlan allDay(String period) {
        return new DayPlan(List.of(new Slot(LocalTime.MIDNIGHT, period)));
    }

    /** The index of the slot in force at {@code time}. */
    int slotAt(LocalTime time) {
        int found = 0;
        for (int i = 1; i < slots.size() && !slots.get(i).from().isAfter(time); i++) {
            found = i;
        }
        return found;
    }

    public String periodAt(LocalTime time) {
        return slots.get(slotAt(time)).period();
    }

    /** The start of the slot after {@code slot}, or null when it runs until midnight. */
    LocalTime endOf(int slot) {
        return slot + 1 < slots.size() ? slots.get(slot + 1).from() : null;
    }
}
