package io.chargeplane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuSharesTest {

    @Test
    void readsUserAndKernelTicksAfterACommandNameWithBlanksAndParentheses() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 9 0 0 0 1500 300 0 0 20 0 40 0 123 0 0";
        assertEquals(new CpuShares.Ticks(1800, 300), CpuShares.ticksOf(stat));
    }

    @Test
    void sharesAreCoresPerSecondOfTheWindowWithTheKernelPartBeside() {
        long second = 1_000_000_000L;
        CpuShares start = new CpuShares(Map.of("node", new CpuShares.Ticks(1000, 200),
                "generator", new CpuShares.Ticks(50, 10)), 0);
        CpuShares end = new CpuShares(Map.of("node", new CpuShares.Ticks(1000 + 192, 200 + 70),
                "generator", new CpuShares.Ticks(50 + 74, 10 + 42)), 2 * second);
        assertEquals("node 0.96 (kernel 0.35), generator 0.37 (kernel 0.21) cores", end.since(start));
    }

    @Test
    void noSharesWithoutProc() {
        CpuShares none = new CpuShares(Map.of(), 0);
        assertEquals("", new CpuShares(Map.of(), 1_000_000_000L).since(none));
    }
}
