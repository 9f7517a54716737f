package io.chargeplane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void aRunReplacesOnlyWhatIsBetweenTheMarkersSoTheSummaryAboveAndTheTextBelowStay() {
        String report = "# Benchmarks\n\nsummary\n\n" + Bench.RUN_BEGIN + "\nold rows\n" + Bench.RUN_END + "\n\nbelow\n";
        assertEquals("# Benchmarks\n\nsummary\n\n" + Bench.RUN_BEGIN + "\nnew rows\n" + Bench.RUN_END + "\n\nbelow\n",
                Bench.withRun(report, "new rows\n"));
    }

    @Test
    void aReportWithoutMarkersBecomesTheRunAlone() {
        String written = Bench.withRun("", "rows\n");
        assertTrue(written.startsWith("# Benchmarks\n"));
        assertTrue(written.contains(Bench.RUN_BEGIN + "\nrows\n" + Bench.RUN_END));
    }
}
