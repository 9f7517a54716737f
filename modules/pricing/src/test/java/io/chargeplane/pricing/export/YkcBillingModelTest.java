package io.chargeplane.pricing.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.pricing.DayPlan;
import io.chargeplane.pricing.IdleFee;
import io.chargeplane.pricing.Tariff;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YkcBillingModelTest {
    /** A Jiangsu-like 尖峰平谷 day: valley at night, sharp in the evening. */
    static Tariff fourPeriods() {
        return Tariff.builder("CNY")
                .period("sharp", "0.80", "1.21730").period("peak", "0.80", "1.01440")
                .period("flat", "0.80", "0.60860").period("valley", "0.60", "0.28280")
                .weekdays(DayPlan.of("00:00", "valley", "08:00", "flat", "10:00", "peak", "14:30", "flat",
                        "19:00", "sharp", "21:00", "peak", "22:00", "valley"))
                .build();
    }

    @Test
    void theFourPeriodsBecomeTheFourRatesAndEachHalfHourNamesItsRate() {
        YkcBillingModel m = YkcBillingModel.of(fourPeriods());
        assertEquals(new BigDecimal("1.21730"), m.electricityPrice(YkcBillingModel.SHARP));
        assertEquals(new BigDecimal("0.80000"), m.servicePrice(YkcBillingModel.SHARP));
        assertEquals(new BigDecimal("0.28280"), m.electricityPrice(YkcBillingModel.VALLEY));
        assertEquals(new BigDecimal("0.60000"), m.servicePrice(YkcBillingModel.VALLEY));
        int[] expected = new int[48];
        for (int i = 0; i < 48; i++) {
            int minute = 30 * i;
            expected[i] = minute < 8 * 60 ? 3 : minute < 10 * 60 ? 2 : minute < 14 * 60 + 30 ? 1 : minute < 19 * 60 ? 2
                    : minute < 21 * 60 ? 0 : minute < 22 * 60 ? 1 : 3;
        }
        for (int i = 0; i < 48; i++) {
            assertEquals(expected[i], m.rateAt(i), "half hour " + i);
        }
    }

    @Test
    void theEncodedModelIsEightLittleEndianPricesInUnitsOfAHundredThousandthThenLossRatioThenFortyEightSlots() {
        byte[] bytes = YkcBillingModel.of(fourPeriods(), null, 2).encode();
        assertEquals(81, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(121_730, b.getInt(), "sharp electricity");
        assertEquals(80_000, b.getInt(), "sharp service");
        assertEquals(101_440, b.getInt(), "peak electricity");
        assertEquals(80_000, b.getInt(), "peak service");
        assertEquals(60_860, b.getInt(), "flat electricity");
        assertEquals(80_000, b.getInt(), "flat service");
        assertEquals(28_280, b.getInt(), "valley electricity");
        assertEquals(60_000, b.getInt(), "valley service");
        assertEquals(2, b.get(), "loss ratio");
        assertEquals(3, b.get(), "00:00-00:30 valley");
        assertEquals(0, bytes[33 + 38], "19:00-19:30 sharp");
    }

    @Test
    void chineseNamesAndAnExplicitMapNameTheRatesToo() {
        Tariff named = Tariff.builder("CNY").period("峰", "0.8", "1.0").period("谷", "0.6", "0.3")
                .weekdays(DayPlan.of("00:00", "谷", "08:00", "峰")).build();
        assertEquals(new BigDecimal("1.00000"), YkcBillingModel.of(named).electricityPrice(YkcBillingModel.PEAK));
        Tariff custom = Tariff.builder("CNY").period("day", "0.8", "1.0").period("night", "0.6", "0.3")
                .weekdays(DayPlan.of("00:00", "night", "08:00", "day")).build();
        YkcBillingModel m = YkcBillingModel.of(custom, Map.of("day", 2, "night", 3), 0);
        assertEquals(2, m.rateAt(16));
        assertEquals(3, m.rateAt(15));
        assertEquals(BigDecimal.ZERO.setScale(5), m.electricityPrice(YkcBillingModel.SHARP), "an unused rate is 0");
    }

    @Test
    void aTariffYkcCannotCarryIsRefusedWithEveryReason() {
        Tariff t = Tariff.builder("EUR").tiers("0", "20").period("peak", "0.8", "1.000001", "0.9")
                .period("day", "0.5", "0.5", "0.4")
                .weekdays(DayPlan.of("00:00", "day", "07:15", "peak")).weekends(DayPlan.allDay("day"))
                .sessionFee("1.00").servicePerHour("0.60").idleFee(new IdleFee(new BigDecimal("0.1"), Duration.ZERO,
                        null)).cap("100").build();
        NotExpressible e = assertThrows(NotExpressible.class, () -> YkcBillingModel.of(t));
        assertEquals("YKC", e.format());
        String all = String.join("\n", e.reasons());
        for (String reason : new String[] {"CNY", "tiers", "weekend", "per hour", "session fee", "idle fee", "cap",
                "day has no rate number", "07:15", "finer than 0.00001"}) {
            assertTrue(all.contains(reason), reason + " in " + all);
        }
    }

    @Test
    void aHolidayPlanOtherThanTheDailyOneIsRefusedButHolidaysPricedAsEveryDayAreNot() {
        Tariff same = Tariff.builder("CNY").period("flat", "0.8", "0.6").weekdays(DayPlan.allDay("flat"))
                .holidays(null, LocalDate.of(2027, 1, 1)).build();
        assertArrayEquals(new byte[48], YkcBillingModel.of(same, Map.of("flat", 0), 0).slots());
        Tariff other = Tariff.builder("CNY").period("flat", "0.8", "0.6").period("valley", "0.6", "0.3")
                .weekdays(DayPlan.allDay("flat")).holidays(DayPlan.allDay("valley"), LocalDate.of(2027, 1, 1)).build();
        assertThrows(NotExpressible.class, () -> YkcBillingModel.of(other));
    }
}
