package io.chargeplane.simulator.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class LatencyBookTest {

    @Test
    void errorsCountFromTheStartAndThoseOfTheMeasuredWindowAreReportedBesideThem() {
        LatencyBook book = new LatencyBook();
        book.record("Heartbeat", 900);
        book.error("StatusNotification", "InternalError");
        book.error("MeterValues", "InternalError");
        book.timeout();
        book.reset(); // the warm-up ends
        book.record("Heartbeat", 1200);
        book.error("MeterValues", "InternalError");
        ObjectNode r = book.toJson();
        assertEquals(3, r.get("callErrors").asLong());
        assertEquals(1, r.get("timeouts").asLong());
        assertEquals(1, r.get("callErrorsInWindow").asLong());
        assertEquals(0, r.get("timeoutsInWindow").asLong());
        assertEquals(1, r.at("/latency/all/count").asLong(), "latencies are the window's only");
    }
}
