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
        Rest.Reply taken = create("TWO-B", "CN-TWO-B", "TWO-DEV");
        assertEquals(409, taken.status());
        assertEquals("identity", taken.body().get("field").asText());
        assertEquals(404, rest.get("/api/piles/TWO-B").status());
        // the number the refused request claimed was given back
        rest.ok(create("TWO-C", "CN-TWO-B", "TWO-C-DEV"));
    }

    @Test
    void aNumberInUseIsRefusedAndTheDeviceTheRequestClaimedIsGivenBack() {
        rest.ok(create("THREE", "CN-THREE", "THREE-DEV"));
        Rest.Reply taken = create("THREE-B", "CN-THREE", "THREE-B-DEV");
        assertEquals(409, taken.status());
        assertEquals("chargerNumber", taken.body().get("field").asText());
        assertEquals(404, rest.get("/api/piles/THREE-B").status());
        // the refusal is answered once the device the request claimed is free again
        assertEquals("THREE-B-DEV", rest.ok(create("THREE-C", "CN-THREE-C", "THREE-B-DEV")).get("identity").asText());
    }

    @Test
    void theSameCreateSentAgainIsRefusedAndThePileKeepsItsDevice() {
        rest.ok(create("FOUR", "CN-FOUR", "FOUR-DEV"));
        Rest.Reply again = create("FOUR", "CN-FOUR", "FOUR-DEV");
        assertEquals(409, again.status());
        assertEquals("pileId", again.body().get("field").asText());
        assertEquals("FOUR-DEV", rest.ok(rest.get("/api/piles/FOUR")).get("identity").asText());
        assertEquals(409, create("FOUR-B", "CN-FOUR-B", "FOUR-DEV").status(), "the device is still FOUR's");
    }
}
