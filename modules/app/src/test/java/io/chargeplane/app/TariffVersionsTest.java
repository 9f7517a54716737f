package io.chargeplane.app;

import static io.chargeplane.app.StationReviewTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S10-S12 through the REST API: tariffs by scope (network, station, charger; the most specific in force wins),
 * versions reviewed like stations, scheduled versions that take effect on time with nobody acting (across a restart
 * too), a late approval that never reprices the past, "what does charger X cost at T" on the station's clock, and
 * what a YKC or OCPP 2.1 charger would be sent.
 */
class TariffVersionsTest {
    /** 尖峰平谷 in Shanghai: valley 00-08, flat 08-10, peak 10-15, flat 15-19, sharp 19-21, peak 21-22, valley 22-24. */
    static final String CHINESE = "{\"currency\":\"CNY\",\"periods\":["
            + "{\"name\":\"sharp\",\"energyPerKwh\":[1.2173],\"servicePerKwh\":0.8},"
            + "{\"name\":\"peak\",\"energyPerKwh\":[1.0144],\"servicePerKwh\":0.8},"
            + "{\"name\":\"flat\",\"energyPerKwh\":[0.6086],\"servicePerKwh\":0.8},"
            + "{\"name\":\"valley\",\"energyPerKwh\":[0.2828],\"servicePerKwh\":0.6}],"
            + "\"weekdays\":[{\"from\":\"00:00\",\"period\":\"valley\"},{\"from\":\"08:00\",\"period\":\"flat\"},"
            + "{\"from\":\"10:00\",\"period\":\"peak\"},{\"from\":\"15:00\",\"period\":\"flat\"},"
            + "{\"from\":\"19:00\",\"period\":\"sharp\"},{\"from\":\"21:00\",\"period\":\"peak\"},"
            + "{\"from\":\"22:00\",\"period\":\"valley\"}]}";
    static final String STATION = "{\"mode\":\"direct\",\"stationId\":\"SH-1\",\"name\":\"Pudong depot\","
            + "\"address\":{\"line1\":\"Century Ave 1\",\"city\":\"Shanghai\",\"country\":\"CN\"},\"latitude\":31.23,"
            + "\"longitude\":121.5,\"timeZone\":\"Asia/Shanghai\"}";
    static final String CHARGER = "{\"mode\":\"direct\",\"pileId\":\"SH-P1\",\"chargerNumber\":\"CN-SH-P1\","
            + "\"stationId\":\"SH-1\",\"model\":\"DC60\",\"maxPowerKw\":60,"
            + "\"connectors\":[{\"connectorId\":1,\"type\":\"GB/T DC\",\"powerKw\":60}]}";

    private static Map<String, Object> fastSchedule() {
        return Map.of("chargeplane.tariffs.schedule-interval", "1s");
    }

    @Test
    void tariffsOnH2(@TempDir Path dir) throws Exception {
        MovableClock clock = new MovableClock();
        TestNodes.Db db = TestNodes.h2(dir);
        try (ChargePlaneNode node = TestNodes.start(db, fastSchedule(), clock)) {
            scopesReviewAndPrice(node, clock);
            scheduleBeforeARestart(node, clock);
        }
        // the node stops before the version's time and starts after it: the version takes effect with nobody acting
        clock.advance(Duration.ofHours(2));
        try (ChargePlaneNode node = TestNodes.start(db, fastSchedule(), clock)) {
            Rest admin = new Rest(node);
            // only the read side is asked until then: the schedule, not a reader, wakes the network's tariff
            JsonNode audit = eventually(() -> admin.ok(admin.get("/api/audit?entityType=tariff&entityId=network")),
                    a -> tookEffect(a, 4) != null);
            assertEquals("tariff-schedule", tookEffect(audit, 4).get("username").asText());
            JsonNode network = admin.ok(admin.get("/api/tariffs/network"));
            assertEquals(4, network.get("inForce").get("number").asInt(), network.toString());
            assertTrue(network.get("inForce").has("tookEffectAt"), network.toString());
            assertTrue(network.path("scheduled").isMissingNode(), network.toString());
        }
    }

    /** The audit row of version {@code number} taking effect, or null. */
    private static JsonNode tookEffect(JsonNode audit, int number) {
        for (JsonNode row : audit.get("items")) {
            if (row.get("action").asText().equals("tariff.took-effect")
                    && row.get("afterJson").asText().contains("\"version\":" + number)) {
                return row;
            }
        }
        return null;
    }

    @Test
    void tariffsOnPostgres() throws Exception {
        MovableClock clock = new MovableClock();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.postgres(), fastSchedule(), clock)) {
            scopesReviewAndPrice(node, clock);
            scheduleBeforeARestart(node, clock);
            // on a running node the version takes effect on time too
            clock.advance(Duration.ofHours(2));
            Rest admin = new Rest(node);
            eventually(() -> admin.ok(admin.get("/api/tariffs/network")),
                    t -> t.path("inForce").path("number").asInt() == 4 && t.get("inForce").has("tookEffectAt"));
        }
    }

    private static void scopesReviewAndPrice(ChargePlaneNode node, MovableClock clock) throws Exception {
        Rest admin = new Rest(node);
        admin.ok(admin.post("/api/accounts", "{\"username\":\"olga\",\"role\":\"OPERATOR\",\"password\":\"olga-password-1\"}"));
        admin.ok(admin.post("/api/accounts", "{\"username\":\"mark\",\"role\":\"MANAGER\",\"password\":\"mark-password-1\"}"));
        admin.ok(admin.post("/api/accounts", "{\"username\":\"tina\",\"role\":\"TECHNICIAN\",\"password\":\"tina-password-1\"}"));
        Rest olga = admin.as("olga", "olga-password-1");
        Rest mark = admin.as("mark", "mark-password-1");
        Rest tina = admin.as("tina", "tina-password-1");
        admin.ok(admin.post("/api/stations", STATION));
        admin.ok(admin.post("/api/chargers", CHARGER));
        admin.ok(admin.post("/api/stations", STATION.replace("SH-1", "SH-2")));
        admin.ok(admin.post("/api/chargers", CHARGER.replace("SH-P1", "SH-P2").replace("SH-1", "SH-2")));

        // a technician may not publish tariffs, an operator may not apply one directly, only submit it
        assertEquals(403, tina.put("/api/tariffs/network", "{\"mode\":\"review\",\"tariff\":" + CHINESE + "}").status());
        Rest.Reply direct = olga.put("/api/tariffs/network", "{\"mode\":\"direct\",\"tariff\":" + CHINESE + "}");
        assertEquals(403, direct.status());
        assertEquals("mode", direct.body().get("field").asText());
        JsonNode submitted = olga.ok(olga.put("/api/tariffs/network", "{\"mode\":\"review\",\"tariff\":" + CHINESE + "}"));
        String changeId = submitted.get("pending").get("changeId").asText();
        assertTrue(submitted.path("inForce").isMissingNode(), "nothing in force before approval");
        assertEquals(404, olga.get("/api/chargers/SH-P1/price").status(), "no tariff applies yet");
        assertEquals(409, olga.put("/api/tariffs/network", "{\"mode\":\"review\",\"tariff\":" + CHINESE + "}").status(),
                "one pending version per scope");

        // the queue and the difference; nobody approves their own change
        eventually(() -> mark.ok(mark.get("/api/reviews")), q -> q.get("items").toString().contains(changeId));
        JsonNode review = mark.ok(mark.get("/api/tariffs/network/review"));
        assertTrue(review.get("changes").toString().contains("periods"), review.toString());
        assertEquals(403, olga.post("/api/tariffs/network/approve", "{\"changeId\":\"" + changeId + "\"}").status());
        // (time passes: a version approved at the very instant a price was read for it is in force just after it)
        clock.advance(Duration.ofSeconds(1));
        JsonNode approved = mark.ok(mark.post("/api/tariffs/network/approve", "{\"changeId\":\"" + changeId + "\"}"));
        assertEquals(1, approved.get("inForce").get("number").asInt());
        assertEquals("olga", approved.get("inForce").get("submittedBy").asText());
        assertEquals("mark", approved.get("inForce").get("publishedBy").asText());

        // what the charger costs at a time, on the station's clock (Shanghai, UTC+8): 02:30 UTC is 10:30 peak
        Instant day = clock.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(7));
        while (day.atZone(java.time.ZoneId.of("Asia/Shanghai")).getDayOfWeek().getValue() != 3) {
            day = day.plus(Duration.ofDays(1)); // a Wednesday in Shanghai
        }
        JsonNode peak = olga.ok(olga.get("/api/chargers/SH-P1/price?at=" + day.plus(Duration.ofMinutes(150))));
        assertEquals("network", peak.get("scope").asText());
        assertEquals("Asia/Shanghai", peak.get("timeZone").asText());
        assertEquals("peak", peak.get("quote").get("period").asText());
        assertEquals(0, new java.math.BigDecimal("1.0144").compareTo(peak.get("quote").get("energyPerKwh").get(0)
                .decimalValue()));
        JsonNode valley = olga.ok(olga.get("/api/chargers/SH-P1/price?at=" + day.minus(Duration.ofHours(1))));
        assertEquals("valley", valley.get("quote").get("period").asText(), "07:00 Shanghai, not 23:00 UTC");

        // a station tariff wins over the network's, a charger's over its station's
        String flat = "{\"currency\":\"CNY\",\"periods\":[{\"name\":\"flat\",\"energyPerKwh\":[0.7],"
                + "\"servicePerKwh\":0.5}],\"weekdays\":[{\"from\":\"00:00\",\"period\":\"flat\"}],"
                + "\"idleFee\":{\"perMinute\":0.5,\"graceMinutes\":15}}";
        mark.ok(mark.put("/api/tariffs/station:SH-1", "{\"mode\":\"direct\",\"tariff\":" + flat + "}"));
        assertEquals("station:SH-1", olga.ok(olga.get("/api/chargers/SH-P1/price?at=" + day)).get("scope").asText());
        mark.ok(mark.put("/api/tariffs/charger:SH-P1", "{\"mode\":\"direct\",\"tariff\":" + CHINESE + "}"));
        assertEquals("charger:SH-P1", olga.ok(olga.get("/api/chargers/SH-P1/price?at=" + day)).get("scope").asText());

        // what chargers would be sent: the 尖峰平谷 day as a YKC billing model; an idle fee YKC cannot carry
        JsonNode ykc = olga.ok(olga.get("/api/tariffs/network/export?format=ykc"));
        assertEquals(162, ykc.get("hex").asText().length(), "81 bytes");
        assertEquals(3, ykc.get("slots").get(0).asInt(), "00:00-00:30 valley");
        Rest.Reply refused = olga.get("/api/tariffs/station:SH-1/export?format=ykc");
        assertEquals(409, refused.status());
        assertTrue(refused.body().toString().contains("idle fee"), refused.body().toString());
        JsonNode v21 = olga.ok(olga.get("/api/tariffs/station:SH-1/export?format=ocpp21"));
        assertEquals(900, v21.get("tariff").get("idleTime").get("prices").get(0).get("conditions")
                .get("minIdleTime").asInt());

        // bad input: a 400 naming the field, nothing written
        long rows = TestNodes.settledJournalRows(node);
        Map<String, String> bad = Map.of(
                "{\"mode\":\"direct\",\"tariff\":" + CHINESE.replace("\"period\":\"flat\"", "\"period\":\"falt\"") + "}", "tariff",
                "{\"mode\":\"direct\",\"tariff\":" + CHINESE.replace("[1.2173]", "[\"cheap\"]") + "}",
                "tariff.periods[0].energyPerKwh[0]",
                "{\"mode\":\"direct\",\"tariff\":" + CHINESE.replace("[1.2173]", "[-1]") + "}", "tariff",
                "{\"mode\":\"direct\",\"tariff\":" + CHINESE.replace("\"currency\":\"CNY\"", "\"currency\":\"XYZ\"") + "}",
                "tariff",
                "{\"mode\":\"direct\",\"tariff\":" + CHINESE.replace("\"currency\"", "\"colour\":\"red\",\"currency\"") + "}",
                "tariff.colour",
                "{\"mode\":\"direct\",\"effectiveFrom\":\"tomorrow\",\"tariff\":" + CHINESE + "}", "effectiveFrom",
                "{\"mode\":\"sometime\",\"tariff\":" + CHINESE + "}", "mode",
                "{\"mode\":\"direct\"}", "tariff");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Rest.Reply r = mark.put("/api/tariffs/network", b.getKey());
            assertEquals(400, r.status(), b.getKey() + " -> " + r.body());
            assertEquals(b.getValue(), r.body().get("field").asText(), String.valueOf(r.body()));
        }
        assertEquals("scope", mark.put("/api/tariffs/planet:earth", "{\"mode\":\"direct\",\"tariff\":" + CHINESE + "}")
                .body().get("field").asText());
        assertEquals(rows, TestNodes.settledJournalRows(node), "nothing written by bad input");
    }

    /** Leaves the network with version 4 scheduled an hour ahead (version 2 in force, 3 withdrawn). */
    private static void scheduleBeforeARestart(ChargePlaneNode node, MovableClock clock) throws Exception {
        Rest admin = new Rest(node);
        Rest mark = admin.as("mark", "mark-password-1");
        Rest olga = admin.as("olga", "olga-password-1");

        // approved after the time it asked for: in force from the approval, the past is not repriced
        Instant asked = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS);
        String cheaper = CHINESE.replace("[0.2828]", "[0.25]");
        String changeId = olga.ok(olga.put("/api/tariffs/network", "{\"mode\":\"review\",\"effectiveFrom\":\"" + asked
                + "\",\"tariff\":" + cheaper + "}")).get("pending").get("changeId").asText();
        clock.advance(Duration.ofMinutes(30));
        Instant approvedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS); // versions keep milliseconds
        JsonNode approved = mark.ok(mark.post("/api/tariffs/network/approve", "{\"changeId\":\"" + changeId + "\"}"));
        assertEquals(2, approved.get("inForce").get("number").asInt());
        assertEquals(approvedAt, Instant.parse(approved.get("inForce").get("effectiveFrom").asText()));
        assertEquals(asked, Instant.parse(approved.get("inForce").get("requestedFrom").asText()));
        // SH-P2's station has no tariff of its own: the network's applies
        JsonNode between = olga.ok(olga.get("/api/chargers/SH-P2/price?at=" + asked));
        assertEquals("network", between.get("scope").asText());
        assertEquals(1, between.get("version").asInt(), "between the time asked and the approval: version 1");
        assertEquals(2, olga.ok(olga.get("/api/chargers/SH-P2/price?at=" + approvedAt)).get("version").asInt());

        // scheduled an hour ahead: shown as scheduled, priced from its time, one pending version per scope
        Instant from = clock.instant().plus(Duration.ofHours(1));
        String dearer = CHINESE.replace("[1.2173]", "[1.5]");
        JsonNode scheduled = mark.ok(mark.put("/api/tariffs/network", "{\"mode\":\"direct\",\"effectiveFrom\":\"" + from
                + "\",\"tariff\":" + dearer + "}"));
        assertEquals(3, scheduled.get("scheduled").get("number").asInt());
        assertEquals(2, scheduled.get("inForce").get("number").asInt());
        assertEquals(409, mark.put("/api/tariffs/network", "{\"mode\":\"direct\",\"tariff\":" + CHINESE + "}").status());
        JsonNode list = eventually(() -> olga.ok(olga.get("/api/tariffs?scope=network")),
                l -> l.get("items").size() == 3);
        assertEquals("SCHEDULED", list.get("items").get(0).get("status").asText());
        assertEquals("IN_FORCE", list.get("items").get(1).get("status").asText());
        assertEquals("SUPERSEDED", list.get("items").get(2).get("status").asText());

        // withdrawn and scheduled again: the withdrawn one counts for nothing
        mark.ok(mark.post("/api/tariffs/network/cancel-scheduled", "{\"version\":3}"));
        assertEquals(409, mark.post("/api/tariffs/network/cancel-scheduled", "{\"version\":3}").status());
        JsonNode again = mark.ok(mark.put("/api/tariffs/network", "{\"mode\":\"direct\",\"effectiveFrom\":\"" + from
                + "\",\"tariff\":" + dearer + "}"));
        assertEquals(4, again.get("scheduled").get("number").asInt());
        assertEquals(409, mark.post("/api/tariffs/network/cancel-scheduled", "{\"version\":3}").status());
    }
}
