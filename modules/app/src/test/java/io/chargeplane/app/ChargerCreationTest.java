package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S7 in one request: {@code POST /api/chargers} with {@code mode: direct} naming a device identity registers the
 * charger bound to it; when the number or the identity is taken, nothing of the request is left behind (no pile, no
 * claimed number, no claimed device). It is the one way in for a charger: without APPLY_DIRECTLY it goes to review.
 */
class ChargerCreationTest {
    @TempDir
    static Path dir;
    static ChargePlaneNode node;
    static Rest rest;

    @BeforeAll
    static void start() {
        node = TestNodes.start(TestNodes.h2(dir));
        rest = new Rest(node);
        rest.testStation();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Rest.Reply create(String pileId, String number, String identity) {
        return rest.post("/api/chargers", Rest.chargerBody("direct", pileId, identity)
                .replace("\"CN-" + pileId + "\"", "\"" + number + "\""));
    }

    /** 409 with a problem naming {@code field}. */
    private static void assertRefused(Rest.Reply reply, String field) {
        assertEquals(409, reply.status(), String.valueOf(reply.body()));
        assertEquals(field, reply.body().get("field").asText());
    }

    @Test
    void aChargerCreatedDirectlyWithAnIdentityIsBoundAndItsDeviceIsAccepted() throws Exception {
        assertEquals("ONE-DEV", rest.ok(create("ONE", "CN-ONE", "ONE-DEV")).get("identity").asText());
        assertEquals("ONE-DEV", rest.ok(rest.get("/api/chargers/ONE/live")).get("identity").asText());
        try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "ONE-DEV")) {
            assertEquals("Accepted", cp.boot("Vendor", "Model", "SN-ONE").status().wire());
        }
    }

    @Test
    void anIdentityBoundElsewhereIsRefusedNamingTheFieldAndLeavesNeitherPileNorNumber() {
        rest.ok(create("TWO", "CN-TWO", "TWO-DEV"));
        assertRefused(create("TWO-B", "CN-TWO-B", "TWO-DEV"), "deviceIdentity");
        assertEquals(404, rest.get("/api/chargers/TWO-B").status());
        // the number the refused request claimed was given back
        rest.ok(create("TWO-C", "CN-TWO-B", "TWO-C-DEV"));
    }

    @Test
    void aNumberInUseIsRefusedAndTheDeviceTheRequestClaimedIsGivenBack() {
        rest.ok(create("THREE", "CN-THREE", "THREE-DEV"));
        assertRefused(create("THREE-B", "CN-THREE", "THREE-B-DEV"), "chargerNumber");
        assertEquals(404, rest.get("/api/chargers/THREE-B").status());
        // the refusal is answered once the device the request claimed is free again
        assertEquals("THREE-B-DEV", rest.ok(create("THREE-C", "CN-THREE-C", "THREE-B-DEV")).get("identity").asText());
    }

    @Test
    void theSameCreateSentAgainIsRefusedAndThePileKeepsItsDevice() {
        rest.ok(create("FOUR", "CN-FOUR", "FOUR-DEV"));
        assertRefused(create("FOUR", "CN-FOUR", "FOUR-DEV"), "pileId");
        assertEquals("FOUR-DEV", rest.ok(rest.get("/api/chargers/FOUR/live")).get("identity").asText());
        assertEquals(409, create("FOUR-B", "CN-FOUR-B", "FOUR-DEV").status(), "the device is still FOUR's");
    }

    @Test
    void anOperatorCannotCreateAndBindWithoutReviewAndThereIsNoOtherWayIn() {
        rest.ok(rest.post("/api/accounts", "{\"username\":\"otto\",\"role\":\"OPERATOR\",\"password\":\"otto-long-password\"}"));
        Rest operator = rest.as("otto", "otto-long-password");
        Rest.Reply direct = operator.post("/api/chargers", Rest.chargerBody("direct", "FIVE", "FIVE-DEV"));
        assertEquals(403, direct.status(), String.valueOf(direct.body()));
        assertEquals("mode", direct.body().get("field").asText());
        assertEquals(404, rest.get("/api/chargers/FIVE").status());
        // the old unreviewed routes are gone
        assertEquals(404, operator.post("/api/piles", "{\"pileId\":\"FIVE\",\"chargerNumber\":\"CN-FIVE\"}").status());
        assertEquals(404, operator.put("/api/piles/FIVE/device", "{\"identity\":\"FIVE-DEV\"}").status());
        // for review: the device is reserved, but not bound until an approver says so
        JsonNode pending = operator.ok(operator.post("/api/chargers", Rest.chargerBody("review", "FIVE", "FIVE-DEV")));
        assertEquals("PENDING_REVIEW", pending.get("status").asText(), pending.toString());
        JsonNode bound = rest.ok(rest.get("/api/chargers/FIVE/live")).path("identity");
        assertTrue(bound.isNull() || bound.isMissingNode(), "not bound before approval: " + bound);
    }
}
