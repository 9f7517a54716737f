package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.ErrorCode;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.simulator.CallErrorException;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input over a real socket gets the right answer, the session or server survives, and nothing is persisted. */
class BadInputTest {
    @TempDir
    static Path dir;
    static ChargePlaneNode node;
    static Rest rest;

    @BeforeAll
    static void start() {
        node = TestNodes.start(TestNodes.h2(dir));
        rest = new Rest(node);
        rest.pileWithDevice("pile-b", "CP-B");
        rest.pileWithDevice("pile-c", "CP-C");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static SimulatedCharger charger(String identity) {
        return SimulatedCharger.connect(TestNodes.ocpp(node), identity);
    }

    private static JsonNode errorFor(SimulatedCharger cp, String frame) throws Exception {
        cp.sendRaw(frame);
        String answer = cp.nextRaw(Duration.ofSeconds(10));
        assertNotNull(answer, "no answer to " + frame);
        JsonNode a = OcppJson.MAPPER.readTree(answer);
        assertEquals(4, a.get(0).asInt(), "expected a CALLERROR, got " + answer);
        return a;
    }


    @Test
    void eachMalformedCallGetsItsErrorCodeTheSessionStaysUpAndNothingIsPersisted() throws Exception {
        try (SimulatedCharger cp = charger("CP-B")) {
            cp.boot("Acme", "AC22", "SN-B");
            long before = TestNodes.settledJournalRows(node);
            assertEquals("FormationViolation", errorFor(cp, "[2,\"f1\",\"Heartbeat\"]").get(2).asText());
            assertEquals("f1", errorFor(cp, "[2,\"f1\",\"Heartbeat\",[]]").get(1).asText());
            assertEquals("TypeConstraintViolation", errorFor(cp,
                    "[2,\"t1\",\"StatusNotification\",{\"connectorId\":\"one\",\"errorCode\":\"NoError\",\"status\":\"Available\"}]").get(2).asText());
            assertEquals("OccurenceConstraintViolation", errorFor(cp,
                    "[2,\"o1\",\"StatusNotification\",{\"connectorId\":1,\"status\":\"Available\"}]").get(2).asText());
            assertEquals("PropertyConstraintViolation", errorFor(cp,
                    "[2,\"p1\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Sleepy\"}]").get(2).asText());
            assertEquals("NotImplemented", errorFor(cp, "[2,\"n1\",\"BrewCoffee\",{}]").get(2).asText());
            assertEquals("NotSupported", errorFor(cp, "[2,\"n2\",\"Reset\",{\"type\":\"Hard\"}]").get(2).asText());
            assertEquals("TypeConstraintViolation", errorFor(cp,
                    "[2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"T\",\"meterStart\":\"lots\",\"timestamp\":\"2026-01-01T00:00:00Z\"}]").get(2).asText());
            assertEquals(before, TestNodes.journalRows(node), "refused calls persist nothing");
            assertEquals(0, node.control().telemetry().count());
            assertNotNull(cp.heartbeat().currentTime(), "the session is still up");
        }
    }

    @Test
    void framesWithoutAReadableIdAreDroppedAndTooManyCloseTheSocket() throws Exception {
        try (SimulatedCharger cp = charger("CP-B")) {
            cp.sendRaw("this is not json");
            cp.sendRaw("[2,17,\"Heartbeat\",{}]");
            assertNull(cp.nextRaw(Duration.ofMillis(500)), "nothing can be answered without an id");
            assertNotNull(cp.heartbeat().currentTime(), "the session survives unreadable frames");
            cp.sendRaw("{}");
            assertEquals(1002, cp.closed().get(10, TimeUnit.SECONDS), "the third unreadable frame closes the socket");
        }
    }

    private static String status(String id, String status) {
        return "[2,\"" + id + "\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\""
                + status + "\"}]";
    }

    @Test
    void anOversizedCallIsAnsweredWithACallErrorInItsTurnAndTheSessionStaysUp() throws Exception {
        try (SimulatedCharger big = charger("CP-B"); SimulatedCharger other = charger("CP-C")) {
            big.boot("Acme", "AC22", "SN-B");
            big.sendRaw(status("s1", "Available"));
            big.sendRaw("[2,\"big\",\"DataTransfer\",{\"vendorId\":\"X\",\"data\":\"" + "x".repeat(40_000) + "\"}]");
            JsonNode first = OcppJson.MAPPER.readTree(big.nextRaw(Duration.ofSeconds(10)));
            assertEquals("s1", first.get(1).asText(), "the call before it is answered first");
            assertEquals(3, first.get(0).asInt());
            JsonNode refused = OcppJson.MAPPER.readTree(big.nextRaw(Duration.ofSeconds(10)));
            assertEquals("big", refused.get(1).asText());
            assertEquals("FormationViolation", refused.get(2).asText());
            assertTrue(refused.get(3).asText().contains("40"), refused.toString());
            assertNotNull(big.heartbeat().currentTime(), "the session is still up");
            assertNotNull(other.heartbeat().currentTime(), "other chargers are not harmed");
        }
    }

    @Test
    void aMessageAboveTheHardLimitClosesWith1009OnlyOnceTheCallsBeforeItAreAnswered() throws Exception {
        try (SimulatedCharger big = charger("CP-B")) {
            big.boot("Acme", "AC22", "SN-B");
            var answers = new java.util.ArrayList<java.util.concurrent.CompletableFuture<JsonNode>>();
            for (String s : new String[] {"Available", "Preparing", "Available"}) {
                answers.add(big.callAsync("StatusNotification", Map.of("connectorId", 2, "errorCode", "NoError",
                        "status", s)).toCompletableFuture());
            }
            big.sendRaw("[2,\"huge\",\"DataTransfer\",{\"vendorId\":\"X\",\"data\":\"" + "x".repeat(100_000) + "\"}]");
            for (var a : answers) {
                assertNotNull(a.get(10, TimeUnit.SECONDS), "answered before the close");
            }
            assertEquals(1009, big.closed().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBinaryFrameIsIgnoredAndTheNextCallIsAnswered() throws Exception {
        try (SimulatedCharger cp = charger("CP-C")) {
            cp.boot("Acme", "AC22", "SN-C");
            cp.sendBinary(new byte[] {1, 2, 3});
            cp.sendBinary(new byte[] {4});
            assertNotNull(cp.heartbeat().currentTime(), "the session is still up");
            assertTrue(cp.isOpen());
        }
    }

    @Test
    void anEmptyIdTagIsAPropertyConstraintViolationNeverALookup() throws Exception {
        try (SimulatedCharger cp = charger("CP-C")) {
            cp.boot("Acme", "AC22", "SN-C");
            JsonNode e = errorFor(cp, "[2,\"e1\",\"Authorize\",{\"idTag\":\"\"}]");
            assertEquals("PropertyConstraintViolation", e.get(2).asText());
            JsonNode s = errorFor(cp, "[2,\"e2\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"\",\"meterStart\":0,"
                    + "\"timestamp\":\"2026-01-01T00:00:00Z\"}]");
            assertEquals("PropertyConstraintViolation", s.get(2).asText());
            assertNotNull(cp.heartbeat().currentTime(), "the next call is answered");
        }
    }

    @Test
    void aHandshakeWithoutTheOcpp16SubprotocolIsRefusedWith400() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> SimulatedCharger.connect(TestNodes.ocpp(node), "CP-B", "ocpp2.0.1"));
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
        assertEquals(400, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void anIdentityThatIsTooLongOrHasForbiddenCharactersIsRefusedWith400() {
        for (String identity : new String[] {"x".repeat(49), "bad%20id"}) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> SimulatedCharger.connect(TestNodes.ocpp(node), identity));
            assertEquals(400, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode(), identity);
        }
    }

    @Test
    void anUnknownIdentityIsRejectedAtBootGetsSecurityErrorOtherwiseAndIsListedForOperators() throws Exception {
        long before = TestNodes.settledJournalRows(node);
        try (SimulatedCharger cp = charger("STRANGER-1")) {
            assertEquals("Rejected", cp.boot("Evil", "X1", "SN-X").status().wire());
            CallErrorException e = assertThrows(CallErrorException.class, cp::heartbeat);
            assertEquals(ErrorCode.SecurityError, e.code());
        }
        assertEquals(before, TestNodes.journalRows(node), "no entity is created for an unknown identity");
        JsonNode listed = null;
        for (int i = 0; i < 50 && listed == null; i++) {
            for (JsonNode row : rest.ok(rest.get("/api/unbound-identities"))) {
                if (row.get("identity").asText().equals("STRANGER-1")) {
                    listed = row;
                }
            }
            Thread.sleep(100);
        }
        assertNotNull(listed, "the identity is listed as seen, not bound");
        assertEquals("SN-X", listed.get("serialNumber").asText());
    }

    @Test
    void aBadRestRequestGetsAProblemNamingTheField() {
        Rest.Reply r = rest.post("/api/chargers", Rest.chargerBody("direct", "ok", null).replace("\"chargerNumber\":\"CN-ok\",", ""));
        assertEquals(400, r.status());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals("chargerNumber", r.body().get("field").asText());
        Rest.Reply notJson = rest.post("/api/chargers", "{nope");
        assertEquals(400, notJson.status());
        assertEquals(404, rest.get("/api/chargers/does-not-exist/live").status());
        Rest.Reply dup = rest.post("/api/chargers", Rest.chargerBody("direct", "pile-b", null).replace("CN-pile-b", "again"));
        assertEquals(409, dup.status());
        assertEquals("pileId", dup.body().get("field").asText());
        Rest.Reply badCmd = rest.post("/api/chargers/pile-b/reset", "{\"type\":\"Gentle\"}");
        assertEquals("type", badCmd.body().get("field").asText());
    }

    /** An escaped lone UTF-16 surrogate: valid JSON, but no Unicode text (the journal's CBOR cannot hold it). */
    private static final String LONE_SURROGATE = "\\ud800x";

    @Test
    void aLoneSurrogateInAnyRestBodyIsA400NamingTheFieldAndClaimsNothing() throws Exception {
        long before = TestNodes.settledJournalRows(node);
        String[][] cases = {
                {"POST", "/api/stations", "{\"name\":\"" + LONE_SURROGATE + "\",\"mode\":\"direct\"}", "name"},
                {"PUT", "/api/id-tags/SUR-1", "{\"status\":\"Accepted\",\"parentIdTag\":\"" + LONE_SURROGATE + "\"}", "parentIdTag"},
                {"POST", "/api/chargers", "{\"pileId\":\"sur-1\",\"chargerNumber\":\"CN-SUR\",\"mode\":\"direct\","
                        + "\"stationId\":\"S\",\"model\":\"" + LONE_SURROGATE + "\",\"maxPowerKw\":22,\"connectors\":[]}", "model"},
                {"POST", "/api/chargers/pile-b/remote-start", "{\"idTag\":\"" + LONE_SURROGATE + "\"}", "idTag"},
                {"POST", "/api/chargers", Rest.chargerBody("direct", "sur-2", LONE_SURROGATE), "deviceIdentity"},
                {"POST", "/api/stations", "{\"address\":{\"city\":\"" + LONE_SURROGATE + "\"}}", "address.city"}};
        for (String[] c : cases) {
            Rest.Reply r = rest.send(c[0], c[1], c[2]);
            assertEquals(400, r.status(), c[1] + " " + r.body());
            assertEquals(c[3], r.body().get("field").asText(), c[1]);
        }
        assertEquals(before, TestNodes.journalRows(node), "nothing was claimed or written");
        rest.ok(rest.post("/api/chargers", Rest.chargerBody("direct", "sur-3", null).replace("CN-sur-3", "CN-SUR")));
        assertEquals(200, rest.get("/api/chargers/pile-b/live").status(), "the pile still answers");
    }

    @Test
    void aCommandPayloadThatFailsItsSchemaAtTheRootIsA400NamingTheMissingField() {
        Rest.Reply reset = rest.post("/api/chargers/pile-b/commands", "{\"action\":\"Reset\",\"payload\":{}}");
        assertEquals(400, reset.status(), String.valueOf(reset.body()));
        assertEquals("payload.type", reset.body().get("field").asText());
        Rest.Reply availability = rest.post("/api/chargers/pile-b/commands",
                "{\"action\":\"ChangeAvailability\",\"payload\":{\"type\":\"Operative\"}}");
        assertEquals("payload.connectorId", availability.body().get("field").asText());
        Rest.Reply wrongType = rest.post("/api/chargers/pile-b/commands",
                "{\"action\":\"ChangeAvailability\",\"payload\":{\"type\":\"Operative\",\"connectorId\":\"x\"}}");
        assertEquals("payload.connectorId", wrongType.body().get("field").asText());
        Rest.Reply notServer = rest.post("/api/chargers/pile-b/commands", "{\"action\":\"Heartbeat\",\"payload\":{}}");
        assertEquals("action", notServer.body().get("field").asText());
        assertEquals(200, rest.get("/api/chargers/pile-b/live").status(), "the pile still answers");
    }

    @Test
    void aLoneSurrogateInACallIsPropertyConstraintViolationAtOnceAndTheSessionStaysUp() throws Exception {
        try (SimulatedCharger cp = charger("CP-C")) {
            cp.boot("Acme", "AC22", "SN-C");
            long before = TestNodes.settledJournalRows(node);
            JsonNode e = errorFor(cp, "[2,\"u1\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\","
                    + "\"status\":\"Faulted\",\"info\":\"" + LONE_SURROGATE + "\"}]");
            assertEquals("PropertyConstraintViolation", e.get(2).asText());
            assertTrue(e.get(3).asText().contains("$.info"), e.toString());
            assertEquals(before, TestNodes.journalRows(node));
            assertNotNull(cp.heartbeat().currentTime(), "the session is still up");
        }
    }

    @Test
    void pendingIsAConfigurableAnswerForUnknownIdentities(@TempDir Path other) {
        try (ChargePlaneNode pending = TestNodes.start(TestNodes.h2(other),
                Map.of("chargeplane.control.unknown-identity-boot-status", "Pending"));
             SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(pending), "STRANGER-2")) {
            assertEquals("Pending", cp.boot("Evil", "X1", "SN-Y").status().wire());
        }
    }
}
