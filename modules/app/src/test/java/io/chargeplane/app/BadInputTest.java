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

    @Test
    void anOversizedFrameClosesOnlyItsOwnSocketWith1009() throws Exception {
        try (SimulatedCharger big = charger("CP-B"); SimulatedCharger other = charger("CP-C")) {
            other.boot("Acme", "AC22", "SN-C");
            long before = TestNodes.settledJournalRows(node);
            String huge = "[2,\"big\",\"DataTransfer\",{\"vendorId\":\"X\",\"data\":\"" + "x".repeat(40_000) + "\"}]";
            big.sendRaw(huge);
            assertEquals(1009, big.closed().get(10, TimeUnit.SECONDS));
            assertNotNull(other.heartbeat().currentTime(), "other chargers are not harmed");
            assertEquals(before, TestNodes.journalRows(node));
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
        Rest.Reply r = rest.post("/api/piles", "{\"pileId\":\"ok\"}");
        assertEquals(400, r.status());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals("chargerNumber", r.body().get("field").asText());
        Rest.Reply notJson = rest.post("/api/piles", "{nope");
        assertEquals(400, notJson.status());
        assertEquals(404, rest.get("/api/piles/does-not-exist").status());
        Rest.Reply dup = rest.post("/api/piles", "{\"pileId\":\"pile-b\",\"chargerNumber\":\"again\"}");
        assertEquals(409, dup.status());
        Rest.Reply badCmd = rest.post("/api/piles/pile-b/reset", "{\"type\":\"Gentle\"}");
        assertEquals("type", badCmd.body().get("field").asText());
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
