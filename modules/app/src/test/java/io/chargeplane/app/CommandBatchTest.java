package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches as an operator sends them, to simulated chargers over real WebSockets that each answer differently: every
 * answer and outcome reaches its target's row, an offline charger's command waits and arrives once (also across a
 * restart of the server), and who may send what holds.
 */
class CommandBatchTest {
    private static final String OUT_OF_SERVICE = "{\"operation\":{\"type\":\"take-out-of-service\"},"
            + "\"stationId\":\"" + Rest.TEST_STATION + "\",\"confirm\":true}";

    @Test
    void aStationTakenOutOfServiceHasEachChargersAnswerAndOutcomeInItsRow(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            for (String p : new String[] {"ok", "no", "later", "error", "silent", "away"}) {
                rest.pileWithDevice(p, "CP-" + p);
            }
            Map<String, SimulatedCharger> online = new HashMap<>();
            try {
                for (String p : new String[] {"ok", "no", "later", "error", "silent"}) {
                    SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-" + p);
                    cp.boot("Acme", "AC22", "SN-" + p);
                    online.put(p, cp);
                }
                online.get("no").onCall("ChangeAvailability", x -> Map.of("status", "Rejected"));
                online.get("later").onCall("ChangeAvailability", x -> Map.of("status", "Scheduled"));
                online.get("error").onCall("ChangeAvailability", x -> null); // answered below, as a CALLERROR
                online.get("silent").onCall("ChangeAvailability", x -> null); // never answers

                Rest.Reply created = rest.post("/api/batches", OUT_OF_SERVICE);
                assertEquals(202, created.status(), created.body().toString());
                String batch = created.body().get("batchId").asText();
                assertEquals(6, created.body().get("targets").size(), "the station's chargers, resolved now");

                Frame.Call toError = online.get("error").nextServerCall(Duration.ofSeconds(10));
                online.get("error").sendRaw("[4,\"" + toError.messageId() + "\",\"NotImplemented\",\"not here\",{}]");
                assertEquals("ChangeAvailability", online.get("ok").nextServerCall(Duration.ofSeconds(10)).action());
                online.get("ok").status(1, DataTypes.ChargePointStatus.UNAVAILABLE);

                JsonNode rows = until(rest, batch, b -> row(b, "ok").get("done").asBoolean()
                        && row(b, "no").get("done").asBoolean() && row(b, "error").get("done").asBoolean()
                        && row(b, "silent").get("done").asBoolean() && row(b, "later").has("answer")
                        && !row(b, "later").get("answer").isNull());
                assertEquals("CONFIRMED", row(rows, "ok").get("status").asText());
                assertEquals("connector 1 is Unavailable", row(rows, "ok").get("confirmation").asText());
                assertEquals("ANSWERED", row(rows, "no").get("status").asText());
                assertEquals("Rejected", row(rows, "no").get("answer").asText());
                assertEquals("FAILED", row(rows, "error").get("status").asText());
                assertEquals("CALLERROR NotImplemented", row(rows, "error").get("answer").asText());
                assertTrue(row(rows, "error").get("reason").asText().contains("not here"));
                assertEquals("TIMED_OUT", row(rows, "silent").get("status").asText());
                assertEquals("ANSWERED", row(rows, "later").get("status").asText());
                assertEquals("Scheduled", row(rows, "later").get("answer").asText());
                assertFalse(row(rows, "later").get("done").asBoolean(), "Scheduled: it happens when the session ends");
                assertEquals("QUEUED", row(rows, "away").get("status").asText(), "offline: waits for the charger");
                assertFalse(rows.get("done").asBoolean());

                try (SimulatedCharger away = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-away")) {
                    away.boot("Acme", "AC22", "SN-away");
                    assertEquals("ChangeAvailability", away.nextServerCall(Duration.ofSeconds(10)).action());
                    away.status(1, DataTypes.ChargePointStatus.UNAVAILABLE);
                    assertEquals("CONFIRMED", row(until(rest, batch, b -> row(b, "away").get("done").asBoolean()),
                            "away").get("status").asText());
                    assertNull(away.nextServerCall(Duration.ofMillis(300)), "sent once");
                }
                online.get("later").status(1, DataTypes.ChargePointStatus.UNAVAILABLE); // its session ended
                JsonNode done = until(rest, batch, b -> b.get("done").asBoolean());
                assertEquals(3, done.get("counts").get("CONFIRMED").asInt(), "ok, away and later confirmed");

                JsonNode list = until(() -> rest.ok(rest.get("/api/batches")), l -> l.get("items").size() == 1
                        && l.get("items").get(0).get("doneCount").asInt() == 6);
                assertEquals("ChangeAvailability", list.get("items").get(0).get("operation").asText());
                JsonNode audit = until(() -> rest.ok(rest.get("/api/audit?entityType=batch&entityId=" + batch)),
                        a -> a.get("items").size() == 1);
                assertEquals("batch.created", audit.get("items").get(0).get("action").asText());
            } finally {
                online.values().forEach(SimulatedCharger::close);
            }
        }
    }

    @Test
    void aBatchForAnOfflineChargerSurvivesARestartAndItsCommandArrivesExactlyOnce(@TempDir Path dir) throws Exception {
        TestNodes.Db db = TestNodes.h2(dir);
        String batch;
        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            Rest.Reply created = rest.post("/api/batches", "{\"operation\":{\"type\":\"change-configuration\","
                    + "\"key\":\"HeartbeatInterval\",\"value\":\"600\"},\"chargers\":[\"p1\"]}");
            assertEquals(202, created.status(), created.body().toString());
            batch = created.body().get("batchId").asText();
            until(rest, batch, b -> row(b, "p1").path("commandId").isTextual());
        }
        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                Frame.Call call = cp.nextServerCall(Duration.ofSeconds(10));
                assertNotNull(call);
                assertEquals("ChangeConfiguration", call.action());
                JsonNode done = until(rest, batch, b -> b.get("done").asBoolean());
                assertEquals("ANSWERED", row(done, "p1").get("status").asText());
                assertEquals("Accepted", row(done, "p1").get("answer").asText());
                assertNull(cp.nextServerCall(Duration.ofMillis(500)), "the restarted batch sent nothing twice");
            }
        }
    }

    @Test
    void aRollOutInWavesSendsOneAtATimeAndStopsAfterItsFailures(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            for (String p : new String[] {"w1", "w2", "w3"}) {
                rest.pileWithDevice(p, "CP-" + p);
            }
            try (SimulatedCharger w1 = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-w1");
                 SimulatedCharger w2 = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-w2");
                 SimulatedCharger w3 = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-w3")) {
                for (SimulatedCharger cp : new SimulatedCharger[] {w1, w2, w3}) {
                    cp.boot("Acme", "AC22", "SN");
                }
                w1.onCall("ClearCache", p -> null); // holds its answer: the next wave must wait for it
                w2.onCall("ClearCache", p -> Map.of("status", "Rejected"));
                Rest.Reply created = rest.post("/api/batches", "{\"operation\":{\"type\":\"clear-cache\"},"
                        + "\"chargers\":[\"w1\",\"w2\",\"w3\"],\"waves\":{\"size\":1,\"stopAfterFailures\":1}}");
                assertEquals(202, created.status(), created.body().toString());
                String batch = created.body().get("batchId").asText();
                Frame.Call first = w1.nextServerCall(Duration.ofSeconds(10));
                assertNull(w2.nextServerCall(Duration.ofMillis(500)), "one at a time: w2 waits for w1");
                w1.sendRaw("[3,\"" + first.messageId() + "\",{\"status\":\"Accepted\"}]");
                assertEquals("ClearCache", w2.nextServerCall(Duration.ofSeconds(10)).action());
                JsonNode done = until(rest, batch, b -> b.get("done").asBoolean());
                assertEquals("ANSWERED", row(done, "w1").get("status").asText());
                assertEquals("Rejected", row(done, "w2").get("answer").asText());
                assertEquals("CANCELLED", row(done, "w3").get("status").asText(), "one failure stops the roll-out");
                assertNull(w3.nextServerCall(Duration.ofMillis(300)), "a cancelled target is never sent");
            }
        }
    }

    @Test
    void whoMaySendWhatAndWhatAStationWideRequestMustSay(@TempDir Path dir) {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest admin = new Rest(node);
            admin.pileWithDevice("p1", "CP1");
            admin.ok(admin.post("/api/accounts",
                    "{\"username\":\"tess\",\"role\":\"TECHNICIAN\",\"password\":\"tess-first-password\"}"));
            Rest tess = admin.as("tess", "tess-first-password");
            assertEquals(202, tess.post("/api/batches", "{\"operation\":{\"type\":\"reboot\"},\"chargers\":[\"p1\"]}")
                    .status(), "a technician may reboot");
            Rest.Reply notHers = tess.post("/api/batches", "{\"operation\":{\"type\":\"take-out-of-service\"},"
                    + "\"chargers\":[\"p1\"]}");
            assertEquals(403, notHers.status());
            Rest.Reply unconfirmed = admin.post("/api/batches", OUT_OF_SERVICE.replace(",\"confirm\":true", ""));
            assertEquals(400, unconfirmed.status());
            assertEquals("confirm", unconfirmed.body().get("field").asText());
            Rest.Reply badType = admin.post("/api/batches", "{\"operation\":{\"type\":\"explode\"},\"chargers\":[\"p1\"]}");
            assertEquals("operation.type", badType.body().get("field").asText());
            Rest.Reply both = admin.post("/api/batches", "{\"operation\":{\"type\":\"clear-cache\"}}");
            assertEquals("chargers", both.body().get("field").asText());

            String raw = "{\"operation\":{\"type\":\"raw\",\"action\":\"GetLocalListVersion\"},\"chargers\":[\"p1\"]}";
            admin.ok(admin.post("/api/accounts",
                    "{\"username\":\"otto\",\"role\":\"OPERATOR\",\"password\":\"otto-first-password\"}"));
            Rest otto = admin.as("otto", "otto-first-password");
            assertEquals(403, otto.post("/api/batches", raw).status(), "a raw call is for experts: not an operator");
            assertEquals(403, otto.post("/api/chargers/p1/commands", "{\"action\":\"GetLocalListVersion\"}").status());
            assertEquals(202, admin.post("/api/batches", raw).status(), "an administrator may send it");
            Rest.Reply badRaw = admin.post("/api/batches", "{\"operation\":{\"type\":\"raw\",\"action\":"
                    + "\"UnlockConnector\",\"payload\":{\"connectorId\":\"one\"}},\"chargers\":[\"p1\"]}");
            assertEquals(400, badRaw.status());
            assertEquals("operation.payload.connectorId", badRaw.body().get("field").asText(), badRaw.body().toString());
            Rest.Reply chargersCall = admin.post("/api/batches", "{\"operation\":{\"type\":\"raw\",\"action\":"
                    + "\"Heartbeat\"},\"chargers\":[\"p1\"]}");
            assertEquals("operation.action", chargersCall.body().get("field").asText(), "a charger's call, not ours");
        }
    }

    private static JsonNode row(JsonNode batch, String pileId) {
        for (JsonNode t : batch.get("targets")) {
            if (t.get("pileId").asText().equals(pileId)) {
                return t;
            }
        }
        throw new AssertionError("no row for " + pileId + " in " + batch);
    }

    private static JsonNode until(Rest rest, String batch, Predicate<JsonNode> done) throws InterruptedException {
        return until(() -> rest.ok(rest.get("/api/batches/" + batch)), done);
    }

    /** Polls until {@code done} holds: the piles report to the batch, and the list follows the journal. */
    private static JsonNode until(java.util.function.Supplier<JsonNode> read, Predicate<JsonNode> done)
            throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 150; i++) {
            last = read.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("still " + last);
    }
}
