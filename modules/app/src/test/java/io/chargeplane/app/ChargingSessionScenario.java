package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The spine's end-to-end story, run against each database: bind a device, boot, status, authorize, start,
 * meter values, stop; stop the server and start it again on the same database; everything is still right.
 */
abstract class ChargingSessionScenario {

    abstract TestNodes.Db database() throws Exception;

    /** Called with the first node, to prove which database it really talks to. */
    abstract void assertDatabase(ChargePlaneNode node) throws Exception;

    void aWholeChargingSessionSurvivesARestartOfTheServer() throws Exception {
        TestNodes.Db db = database();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int firstTx;
        try (ChargePlaneNode node = TestNodes.start(db)) {
            assertDatabase(node);
            Rest rest = new Rest(node);
            rest.idTag("TAG-1", "Accepted");
            rest.pileWithDevice("pile-1", "CP-1");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-1")) {
                assertEquals(DataTypes.RegistrationStatus.ACCEPTED, cp.boot("Acme", "AC22", "SN-1").status());
                cp.status(0, DataTypes.ChargePointStatus.AVAILABLE);
                cp.status(1, DataTypes.ChargePointStatus.AVAILABLE);
                assertEquals(DataTypes.AuthorizationStatus.ACCEPTED, cp.authorize("TAG-1").idTagInfo().status());
                var start = cp.start(1, "TAG-1", 10_000, t0);
                firstTx = start.transactionId();
                assertTrue(firstTx > 0);
                cp.status(1, DataTypes.ChargePointStatus.CHARGING);
                cp.meterValues(1, firstTx, t0.plusSeconds(60), 10_500, 7_200);
                cp.meterValues(1, firstTx, t0.plusSeconds(120), 11_000, 7_100);

                JsonNode live = rest.ok(rest.get("/api/chargers/pile-1/live"));
                assertTrue(live.get("connected").asBoolean());
                assertEquals(1, live.get("activeSessions").size());
                assertEquals(11_000, live.get("activeSessions").get(0).get("lastMeterWh").asLong());

                cp.stop(firstTx, 11_250, t0.plusSeconds(150), "TAG-1");
                cp.status(1, DataTypes.ChargePointStatus.AVAILABLE);
            }
            assertEquals(4, node.control().telemetry().count());
        }

        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            JsonNode pile = rest.ok(rest.get("/api/chargers/pile-1/live"));
            assertFalse(pile.get("connected").asBoolean());
            assertEquals("CP-1", pile.get("identity").asText());
            assertEquals("Acme", pile.get("boot").get("vendor").asText());
            assertEquals("SN-1", pile.get("boot").get("serialNumber").asText());
            JsonNode connector1 = connector(pile, 1);
            assertEquals("Available", connector1.get("status").asText());
            assertEquals(0, pile.get("activeSessions").size());
            JsonNode ended = pile.get("endedSessions").get(0);
            assertEquals(firstTx, ended.get("transactionId").asInt());
            assertEquals(1_250, ended.get("energyWh").asLong());
            assertEquals("CHARGER", ended.get("endedBy").asText());
            assertEquals(4, node.control().telemetry().count());

            // a charger that reconnects without rebooting sends no BootNotification and is still accepted
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-1")) {
                var next = cp.start(1, "TAG-1", 11_250, t0.plusSeconds(300));
                assertTrue(next.transactionId() > firstTx, "transaction ids never repeat across restarts");
                assertTrue(rest.ok(rest.get("/api/chargers/pile-1/live")).get("connected").asBoolean());
            }
        }
    }

    static JsonNode connector(JsonNode pile, int id) {
        for (JsonNode c : pile.get("connectors")) {
            if (c.get("connectorId").asInt() == id) {
                return c;
            }
        }
        throw new AssertionError("no connector " + id + " in " + pile);
    }
}
