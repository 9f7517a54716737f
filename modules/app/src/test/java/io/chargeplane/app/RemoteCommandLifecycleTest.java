package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's life as an operator follows it through the REST API, with a simulated charger over a real WebSocket:
 * an answer is not an outcome, an offline charger's command waits (also across a restart of the server) and
 * arrives once, and a command that must not wait is refused.
 */
class RemoteCommandLifecycleTest {
    private static final Map<String, Object> FAST_OUTCOMES = Map.of("chargeplane.control.command-outcome-timeout", "1s");

    @Test
    void aRemoteStartAnsweredAcceptedIsConfirmedByItsSessionAndOneWithoutASessionEndsNotConfirmed(@TempDir Path dir)
            throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), FAST_OUTCOMES)) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            rest.idTag("TAG", "Accepted");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                JsonNode confirmed = rest.ok(rest.post("/api/chargers/p1/remote-start",
                        "{\"idTag\":\"TAG\",\"connectorId\":1}"));
                assertEquals("ANSWERED", confirmed.get("status").asText(), "answered, the session still to come");
                assertEquals("Accepted", confirmed.get("answer").asText());
                cp.start(1, "TAG", 0, Instant.now());
                JsonNode done = until(rest, "p1", confirmed.get("commandId").asText(),
                        c -> !c.get("status").asText().equals("ANSWERED"));
                assertEquals("CONFIRMED", done.get("status").asText());
                assertEquals("a session started on connector 1 for TAG", done.get("confirmation").asText());

                JsonNode lonely = rest.ok(rest.post("/api/chargers/p1/remote-start", "{\"idTag\":\"TAG\",\"connectorId\":1}"));
                JsonNode ended = until(rest, "p1", lonely.get("commandId").asText(),
                        c -> !c.get("status").asText().equals("ANSWERED"));
                assertEquals("NOT_CONFIRMED", ended.get("status").asText(), "Accepted is not success without the session");
                assertEquals("ANSWERED", ended.get("outcome").asText());
                assertTrue(ended.get("reason").asText().startsWith("not confirmed: no session started within"));
            }
        }
    }

    @Test
    void aCommandForAnOfflineChargerWaitsAcrossARestartAndArrivesExactlyOnce(@TempDir Path dir) throws Exception {
        TestNodes.Db db = TestNodes.h2(dir);
        String commandId;
        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            Rest.Reply queued = rest.post("/api/chargers/p1/commands", "{\"action\":\"ChangeConfiguration\","
                    + "\"payload\":{\"key\":\"HeartbeatInterval\",\"value\":\"600\"},\"expiresAfter\":\"P2D\"}");
            assertEquals(202, queued.status(), queued.body().toString());
            assertEquals("QUEUED", queued.body().get("status").asText());
            commandId = queued.body().get("commandId").asText();
            Rest.Reply refused = rest.post("/api/chargers/p1/reset", "{\"type\":\"Soft\",\"ifOffline\":\"fail\"}");
            assertEquals(409, refused.status(), "a command that must not wait is refused at once");
            assertEquals("ifOffline", refused.body().get("field").asText());
        }
        try (ChargePlaneNode node = TestNodes.start(db)) { // the server restarted with the command queued
            Rest rest = new Rest(node);
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                Frame.Call call = cp.nextServerCall(Duration.ofSeconds(10));
                assertNotNull(call, "the queued command is sent when the charger is back");
                assertEquals("ChangeConfiguration", call.action());
                assertEquals("600", call.payload().get("value").asText());
                JsonNode answered = until(rest, "p1", commandId, c -> c.get("status").asText().equals("ANSWERED"));
                assertEquals("Accepted", answered.get("answer").asText());
                assertNull(cp.nextServerCall(Duration.ofMillis(500)), "sent once");
            }
            try (SimulatedCharger again = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                again.boot("Acme", "AC22", "SN1");
                assertNull(again.nextServerCall(Duration.ofSeconds(1)), "an answered command is never sent again");
            }
        }
    }

    @Test
    void aBadWaitIsRefusedNamingItsField(@TempDir Path dir) {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            for (String[] bad : new String[][] {{"{\"type\":\"Soft\",\"ifOffline\":\"maybe\"}", "ifOffline"},
                    {"{\"type\":\"Soft\",\"expiresAfter\":\"tomorrow\"}", "expiresAfter"},
                    {"{\"type\":\"Soft\",\"expiresAfter\":\"P31D\"}", "expiresAfter"}}) {
                Rest.Reply r = rest.post("/api/chargers/p1/reset", bad[0]);
                assertEquals(400, r.status(), bad[0]);
                assertEquals(bad[1], r.body().get("field").asText());
            }
            assertEquals(0, rest.ok(rest.get("/api/chargers/p1/live")).get("pendingCommands").size());
        }
    }

    /** Polls the command's record until {@code done} holds (its outcome follows the charger's messages). */
    private static JsonNode until(Rest rest, String pileId, String commandId, Predicate<JsonNode> done)
            throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 100; i++) {
            last = rest.ok(rest.get("/api/chargers/" + pileId + "/commands/" + commandId));
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("command " + commandId + " stayed " + last);
    }
}
