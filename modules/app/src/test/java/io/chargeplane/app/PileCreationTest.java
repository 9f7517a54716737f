package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S7 in one request: {@code POST /api/piles} naming a device identity creates the pile bound to it; when the number
 * or the identity is taken, nothing of the request is left behind (no pile, no claimed number, no claimed device).
 */
class PileCreationTest {
    @TempDir
    static Path dir;
    static ChargePlaneNode node;
    static Rest rest;

    @BeforeAll
    static void start() {
        node = TestNodes.start(TestNodes.h2(dir));
        rest = new Rest(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Rest.Reply create(String pileId, String number, String identity) {
        return rest.post("/api/piles", "{\"pileId\":\"" + pileId + "\",\"chargerNumber\":\"" + number
                + "\",\"identity\":\"" + identity + "\"}");
    }

    /** 409 with a problem naming {@code field}. */
    private static void assertRefused(Rest.Reply reply, String field) {
        assertEquals(409, reply.status(), String.valueOf(reply.body()));
        assertEquals(field, reply.body().get("field").asText());
    }

    @Test
    void aPileCreatedWithAnIdentityIsBoundAndItsChargerIsAccepted() throws Exception {
        assertEquals("ONE-DEV", rest.ok(create("ONE", "CN-ONE", "ONE-DEV")).get("identity").asText());
        assertEquals("ONE-DEV", rest.ok(rest.get("/api/piles/ONE")).get("identity").asText());
        try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "ONE-DEV")) {
            assertEquals("Accepted", cp.boot("Vendor", "Model", "SN-ONE").status().wire());
        }
    }

    @Test
    void anIdentityBoundElsewhereIsRefusedNamingTheFieldAndLeavesNeitherPileNorNumber() {
        rest.ok(create("TWO", "CN-TWO", "TWO-DEV"));
        assertRefused(create("TWO-B", "CN-TWO-B", "TWO-DEV"), "identity");
        assertEquals(404, rest.get("/api/piles/TWO-B").status());
        // the number the refused request claimed was given back
        rest.ok(create("TWO-C", "CN-TWO-B", "TWO-C-DEV"));
    }

    @Test
    void aNumberInUseIsRefusedAndTheDeviceTheRequestClaimedIsGivenBack() {
        rest.ok(create("THREE", "CN-THREE", "THREE-DEV"));
        assertRefused(create("THREE-B", "CN-THREE", "THREE-B-DEV"), "chargerNumber");
        assertEquals(404, rest.get("/api/piles/THREE-B").status());
        // the refusal is answered once the device the request claimed is free again
        assertEquals("THREE-B-DEV", rest.ok(create("THREE-C", "CN-THREE-C", "THREE-B-DEV")).get("identity").asText());
    }

    @Test
    void theSameCreateSentAgainIsRefusedAndThePileKeepsItsDevice() {
        rest.ok(create("FOUR", "CN-FOUR", "FOUR-DEV"));
        assertRefused(create("FOUR", "CN-FOUR", "FOUR-DEV"), "pileId");
        assertEquals("FOUR-DEV", rest.ok(rest.get("/api/piles/FOUR")).get("identity").asText());
        assertEquals(409, create("FOUR-B", "CN-FOUR-B", "FOUR-DEV").status(), "the device is still FOUR's");
    }
}
