package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionLifecycleTest {

    @Test
    void serverPingsKeepASilentChargerConnectedPastTheIdleTimeout(@TempDir Path dir) throws Exception {
        // the same proportions as production (60 s idle timeout, heartbeats every 300 s), shrunk
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of(
                "chargeplane.ocpp.idle-timeout", "2s",
                "chargeplane.ocpp.keep-alive-ping", "500ms"))) {
            new Rest(node).pileWithDevice("p", "CP");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP")) {
                cp.boot("Acme", "AC22", "SN");
                Thread.sleep(5_000);
                assertTrue(cp.isOpen(), "still connected after 5 s of silence");
                assertNotNull(cp.heartbeat().currentTime());
            }
        }
    }

    @Test
    void healthSaysLiveAndReady(@TempDir Path dir) {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            assertEquals("UP", rest.ok(rest.get("/health/live")).get("status").asText());
            Rest.Reply ready = rest.get("/health/ready");
            for (int i = 0; i < 50 && ready.status() != 200; i++) {
                sleep();
                ready = rest.get("/health/ready");
            }
            assertEquals("READY", rest.ok(ready).get("status").asText());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
