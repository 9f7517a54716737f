package io.chargeplane.app;

import static io.chargeplane.app.StationReviewTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk import of chargers from CSV: every row through the single-charger rules, a report per row, failures leave nothing. */
class ChargerImportTest {
    static final String CSV = """
            pileId,chargerNumber,stationId,model,maxPowerKw,connectors,deviceIdentity
            IMP-1,CN-101,ST-1,Wallbox 22,22,Type 2:22|Type 2:22,DEV-101
            IMP-2,CN-102,ST-1,"DC Fast, 150",150,CCS2:150|CHAdeMO:50,
            IMP-3,CN-101,ST-1,Wallbox 22,22,Type 2:22,
            IMP-4,CN-104,ST-1,Wallbox 22,22,Schuko:3.7,
            IMP-5,CN-105,ST-NOWHERE,Wallbox 22,22,Type 2:22,
            IMP-6,CN-106,ST-1,Wallbox 22,22,Type 2:22,
            """;

    @Test
    void eachRowIsSavedOrReportedWithItsFieldAndFailedRowsLeaveNothing(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest admin = new Rest(node);
            admin.ok(admin.post("/api/stations", String.format(ChargerRegistrationTest.STATION, "Depot", "ST-1")));
            admin.ok(admin.post("/api/accounts", "{\"username\":\"otto\",\"role\":\"OPERATOR\",\"password\":\"otto-password-1\"}"));
            Rest otto = admin.as("otto", "otto-password-1");

            assertEquals(403, otto.postText("/api/chargers/import?mode=direct", CSV, "text/csv").status());
            Rest.Reply badHeader = otto.postText("/api/chargers/import", "a,b\n1,2\n", "text/csv");
            assertEquals(400, badHeader.status());
            assertEquals("csv", badHeader.body().get("field").asText());

            JsonNode report = otto.ok(otto.postText("/api/chargers/import?mode=review", CSV, "text/csv"));
            assertEquals(6, report.get("rows").asInt());
            assertEquals(3, report.get("saved").asInt(), report.toString());
            Map<String, JsonNode> byPile = new HashMap<>();
            report.get("results").forEach(r -> byPile.put(r.get("pileId").asText(), r));
            assertEquals("saved", byPile.get("IMP-1").get("outcome").asText());
            assertEquals(2, byPile.get("IMP-1").get("line").asInt(), "line 1 is the header");
            assertEquals("saved", byPile.get("IMP-2").get("outcome").asText());
            assertEquals("chargerNumber", byPile.get("IMP-3").get("field").asText());
            assertEquals(409, byPile.get("IMP-3").get("status").asInt());
            assertEquals("connectors[0].type", byPile.get("IMP-4").get("field").asText());
            assertEquals("stationId", byPile.get("IMP-5").get("field").asText());
            assertEquals("saved", byPile.get("IMP-6").get("outcome").asText());

            for (String failed : new String[] {"IMP-3", "IMP-4", "IMP-5"}) {
                assertEquals(404, otto.get("/api/chargers/" + failed).status(), failed + " left nothing behind");
            }
            assertEquals(200, otto.post("/api/chargers", ChargerRegistrationTest.charger("review", "IMP-7", "CN-105",
                    "ST-1", null)).status(), "the number of a failed row is free");
            JsonNode listed = eventually(() -> otto.ok(otto.get("/api/chargers?stationId=ST-1&status=PENDING_REVIEW")),
                    l -> l.get("items").size() == 4);
            assertEquals("IMP-1", listed.get("items").get(0).get("pileId").asText());
            JsonNode queue = eventually(() -> admin.ok(admin.get("/api/reviews")), q -> q.get("items").size() == 4);
            assertEquals("charger", queue.get("items").get(0).get("entityType").asText());
        }
    }

    @Test
    void aFileThatTakesLongerThanTheApisRequestTimeoutIsStillAnsweredWithItsReport(@TempDir Path dir) throws Exception {
        // 3,000 rows take several seconds on any machine (each row is a saga of entity round trips and commits);
        // the API's other requests are cut off after 2 s here, as after 20 s by default
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("pekko.http.server.request-timeout", "2s"))) {
            Rest admin = new Rest(node);
            long stationVersion = admin.ok(admin.post("/api/stations",
                    String.format(ChargerRegistrationTest.STATION, "Depot", "ST-1"))).get("version").asLong();
            StringBuilder csv = new StringBuilder("pileId,chargerNumber,stationId,model,maxPowerKw,connectors,deviceIdentity\n");
            for (int i = 0; i < 3000; i++) {
                csv.append("BULK-").append(i).append(",CN-B").append(i).append(",ST-1,Wallbox 22,22,Type 2:22,DEV-B")
                        .append(i).append('\n');
            }
            long started = System.nanoTime();
            Rest.Reply reply = admin.postText("/api/chargers/import?mode=direct", csv.toString(), "text/csv");
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, reply.status(), "answered after " + tookMs + " ms: " + reply.body());
            assertEquals(3000, reply.body().get("saved").asInt());
            assertEquals(3000, reply.body().get("results").size());
            assertEquals(200, admin.get("/api/chargers/BULK-2999").status());
            // the station took its 3,000 chargers in batches (control/station/StationAssignments): each once
            JsonNode station = eventually(() -> admin.ok(admin.get("/api/stations/ST-1")),
                    st -> st.get("chargers").size() == 3000);
            java.util.Set<String> listed = new java.util.HashSet<>();
            station.get("chargers").forEach(c -> listed.add(c.asText()));
            assertEquals(3000, listed.size());
            assertEquals(stationVersion + 3000, station.get("version").asLong(), "one event per assigned charger");
            // a station with chargers is not decommissioned; the problem counts them instead of listing 3,000
            Rest.Reply refused = admin.post("/api/stations/ST-1/decommission", "");
            assertEquals(409, refused.status());
            String detail = refused.body().get("detail").asText();
            assertTrue(detail.startsWith("station still has 3000 chargers (") && detail.length() < 300, detail);
        }
    }
}
