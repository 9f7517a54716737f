package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.simulator.SimulatedCharger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events and snapshots already written stay readable: a journal that main wrote on 2026-12-03 (before the core was
 * reshaped, issue #22; {@link JournalFixture} made it) is loaded into a fresh database, and a node of today's code
 * recovers every entity from it as it was.
 */
class JournalCompatibilityTest {
    private static final String FIXTURE = "journal/main-2026-12-03.jsonl";

    private static List<String> fixture() throws Exception {
        try (var in = Objects.requireNonNull(JournalCompatibilityTest.class.getClassLoader().getResourceAsStream(FIXTURE))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void aJournalWrittenByMainOnTheThirdOfDecemberIsRecoveredAsItWas(@TempDir Path dir) throws Exception {
        TestNodes.Db db = TestNodes.h2(dir);
        List<String> rows = fixture();
        assertTrue(rows.stream().anyMatch(r -> r.contains("\"table\":\"snapshot\"")), "the fixture holds a snapshot too");
        try (io.chargeplane.control.db.Database database = db.open()) {
            JournalFixture.load(database, rows);
        }
        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            JsonNode record = rest.ok(rest.get("/api/chargers/FIX-1"));
            assertEquals("ACTIVE", record.get("status").asText());
            assertEquals("CN-FIX-1", record.get("chargerNumber").asText());
            assertEquals(JournalFixture.STATION, record.get("live").get("stationId").asText());

            JsonNode live = rest.ok(rest.get("/api/chargers/FIX-1/live"));
            assertEquals("FIX-DEV", live.get("identity").asText());
            assertEquals("Fixture Inc", live.get("boot").get("vendor").asText());
            assertEquals("Faulted", ChargingSessionScenario.connector(live, 1).get("status").asText());
            assertEquals(0, live.get("activeSessions").size());
            JsonNode last = null;
            for (JsonNode ended : live.get("endedSessions")) {
                if (ended.get("energyWh").asLong() == 1_000 + JournalFixture.SESSIONS - 1) {
                    last = ended;
                }
            }
            assertNotNull(last, "the last session, with its energy: " + live.get("endedSessions"));
            assertEquals("CHARGER", last.get("endedBy").asText());
            assertTrue(live.get("recentCommands").toString().contains("Reset"), live.get("recentCommands").toString());

            assertEquals("PENDING_REVIEW", rest.ok(rest.get("/api/chargers/FIX-2")).get("status").asText());
            assertEquals("Fixture depot", rest.ok(rest.get("/api/stations/" + JournalFixture.STATION)).get("live")
                    .get("name").asText());
            assertEquals("Accepted", rest.ok(rest.get("/api/id-tags/FIX-TAG")).get("status").asText());
            Rest olga = rest.as("olga", "olga-fixture-password");
            assertEquals("OPERATOR", olga.ok(olga.get("/api/auth/me")).get("role").asText());

            // the number and the device stay claimed by the charger that holds them, and its device is let in
            assertEquals(409, rest.post("/api/chargers", ChargerRegistrationTest.charger("direct", "FIX-3", "CN-FIX-1",
                    JournalFixture.STATION, null)).status());
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "FIX-DEV")) {
                assertNotNull(cp.heartbeat().currentTime());
                assertFalse(rest.ok(rest.get("/api/chargers/FIX-1/live")).get("activeSessions").size() > 0);
            }
        }
    }
}
