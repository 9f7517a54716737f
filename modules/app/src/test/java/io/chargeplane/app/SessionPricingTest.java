package io.chargeplane.app;

import static io.chargeplane.app.StationReviewTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S13 end to end: a charger's session across a period edge (10:00 Shanghai, flat to peak) and an energy tier edge
 * (10 kWh), with a reading that arrives five minutes after it was taken and a new tariff version published while
 * it charges, is priced with the version in force at its start, split at the edges by the charger's reading times
 * on the station's clock. The figures are chosen so that pricing the whole session in one period (15 × 1.40 + ...),
 * splitting by the time readings were received, or using the newer version would each give another total.
 */
class SessionPricingTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** flat 08-10 and peak 10-15 (valley otherwise); tiers from 0 and 10 kWh; service 0.80 per kWh. */
    static final String TARIFF = "{\"currency\":\"CNY\",\"tierStartsKwh\":[0,10],\"periods\":["
            + "{\"name\":\"valley\",\"energyPerKwh\":[0.30,0.30],\"servicePerKwh\":0.80},"
            + "{\"name\":\"flat\",\"energyPerKwh\":[0.60,0.50],\"servicePerKwh\":0.80},"
            + "{\"name\":\"peak\",\"energyPerKwh\":[1.00,0.90],\"servicePerKwh\":0.80}],"
            + "\"weekdays\":[{\"from\":\"00:00\",\"period\":\"valley\"},{\"from\":\"08:00\",\"period\":\"flat\"},"
            + "{\"from\":\"10:00\",\"period\":\"peak\"},{\"from\":\"15:00\",\"period\":\"valley\"}]}";
    static final String DEARER = TARIFF.replace("[0.60,0.50]", "[2.00,2.00]").replace("[1.00,0.90]", "[3.00,3.00]");

    @Test
    void onH2ASessionAcrossAPeriodAndATierEdgeIsBilledWithTheVersionInForceAtItsStart(@TempDir Path dir)
            throws Exception {
        pricedAcrossEdges(TestNodes.h2(dir));
    }

    @Test
    void onPostgresASessionAcrossAPeriodAndATierEdgeIsBilledWithTheVersionInForceAtItsStart() throws Exception {
        pricedAcrossEdges(TestNodes.postgres());
    }

    private static void pricedAcrossEdges(TestNodes.Db db) throws Exception {
        MovableClock clock = new MovableClock();
        try (ChargePlaneNode node = TestNodes.start(db, java.util.Map.of(), clock)) {
            Rest admin = new Rest(node);
            admin.ok(admin.post("/api/stations", TariffVersionsTest.STATION));
            admin.ok(admin.post("/api/chargers", TariffVersionsTest.CHARGER.replace("\"connectors\"",
                    "\"deviceIdentity\":\"CP-SH\",\"connectors\"")));
            admin.idTag("TAG-1", "Accepted");
            admin.ok(admin.put("/api/tariffs/network", "{\"mode\":\"direct\",\"tariff\":" + TARIFF + "}"));

            // the next 09:30 in Shanghai, at least a minute ahead (the version is in force from now)
            ZonedDateTime local = clock.instant().plus(Duration.ofMinutes(1)).atZone(SHANGHAI);
            ZonedDateTime start = local.with(LocalTime.of(9, 30));
            if (!start.isAfter(local)) {
                start = start.plusDays(1);
            }
            Instant t0 = start.toInstant().truncatedTo(ChronoUnit.SECONDS);
            moveTo(clock, t0);
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-SH")) {
                cp.boot("Acme", "DC60", "SN-SH");
                cp.status(1, DataTypes.ChargePointStatus.CHARGING);
                int tx = cp.start(1, "TAG-1", 1_000, t0).transactionId();
                moveTo(clock, t0.plus(Duration.ofMinutes(20)));
                cp.meterValues(1, tx, t0.plus(Duration.ofMinutes(20)), 7_000, 18_000); // 09:50
                // taken at 09:58, received at 10:03 (the charger's link was down)
                moveTo(clock, t0.plus(Duration.ofMinutes(33)));
                cp.meterValues(1, tx, t0.plus(Duration.ofMinutes(28)), 9_400, 18_000);
                // a dearer version from 10:05, while it charges
                moveTo(clock, t0.plus(Duration.ofMinutes(35)));
                Rest manager = new Rest(node);
                manager.ok(manager.put("/api/tariffs/network", "{\"mode\":\"direct\",\"tariff\":" + DEARER + "}"));
                moveTo(clock, t0.plus(Duration.ofMinutes(40)));
                cp.meterValues(1, tx, t0.plus(Duration.ofMinutes(40)), 13_000, 18_000); // 10:10

                // the running cost up to 10:10: 12 kWh; flat 9.0 × 0.60, peak 1.0 × 1.00 + 2.0 × 0.90; service 9.60
                Rest reader = new Rest(node);
                JsonNode running = eventually(() -> reader.ok(reader.get("/api/chargers/SH-P1/live")),
                        l -> l.get("activeSessions").get(0).has("cost"));
                JsonNode cost = running.get("activeSessions").get(0).get("cost");
                assertEquals(1, cost.get("tariffVersion").asInt());
                assertEquals(0, new BigDecimal("17.80").compareTo(cost.get("bill").get("total").decimalValue()),
                        cost.toString());

                moveTo(clock, t0.plus(Duration.ofMinutes(60)));
                cp.stop(tx, 16_000, t0.plus(Duration.ofMinutes(60)), "TAG-1"); // 10:30
            }
            // 15 kWh: flat tier 1 9.0 kWh × 0.60 = 5.40, peak tier 1 1.0 × 1.00 = 1.00, peak tier 2 5.0 × 0.90 = 4.50;
            // service 15 × 0.80 = 12.00 (flat 7.20 + peak 4.80): 22.90
            Rest reader = new Rest(node);
            JsonNode pile = eventually(() -> reader.ok(reader.get("/api/chargers/SH-P1/live")),
                    l -> l.get("endedSessions").size() == 1 && l.get("endedSessions").get(0).has("cost"));
            JsonNode bill = pile.get("endedSessions").get(0).get("cost").get("bill");
            assertEquals("network", pile.get("endedSessions").get(0).get("cost").get("scope").asText());
            assertEquals(1, pile.get("endedSessions").get(0).get("cost").get("tariffVersion").asInt());
            assertEquals(0, new BigDecimal("10.90").compareTo(bill.get("electricity").decimalValue()), bill.toString());
            assertEquals(0, new BigDecimal("12.00").compareTo(bill.get("service").decimalValue()), bill.toString());
            assertEquals(0, new BigDecimal("22.90").compareTo(bill.get("total").decimalValue()), bill.toString());
            assertEquals("CNY", bill.get("currency").asText());

            // the charging order: listed with filters, a receipt with electricity and service apart, CSV
            JsonNode orders = eventually(() -> reader.ok(reader.get("/api/orders?stationId=SH-1&status=PRICED")),
                    o -> o.get("items").size() == 1 && o.get("items").get(0).has("total"));
            JsonNode order = orders.get("items").get(0);
            assertEquals("SH-P1", order.get("pileId").asText());
            assertEquals("TAG-1", order.get("idTag").asText());
            assertEquals(15_000, order.get("energyWh").asLong());
            assertEquals(3600, order.get("durationSeconds").asLong());
            assertEquals(1, order.get("tariffVersion").asInt());
            assertEquals(0, new BigDecimal("22.90").compareTo(order.get("total").decimalValue()));
            assertEquals(0, reader.ok(reader.get("/api/orders?idTag=OTHER")).get("items").size());
            assertEquals(0, reader.ok(reader.get("/api/orders?status=UNPRICED")).get("items").size());
            assertEquals(0, reader.ok(reader.get("/api/orders?from=" + t0.plusSeconds(1))).get("items").size());
            assertEquals("status", reader.get("/api/orders?status=LOST").body().get("field").asText());
            JsonNode receipt = reader.ok(reader.get("/api/orders/SH-P1/" + order.get("transactionId").asInt()
                    + "/receipt"));
            java.util.Map<String, BigDecimal> byKind = new java.util.TreeMap<>();
            for (JsonNode line : receipt.get("lines")) {
                byKind.merge(line.get("kind").asText(), line.get("amount").decimalValue(), BigDecimal::add);
            }
            assertEquals(0, new BigDecimal("10.90").compareTo(byKind.get("ELECTRICITY")), byKind.toString());
            assertEquals(0, new BigDecimal("12.00").compareTo(byKind.get("SERVICE_ENERGY")), byKind.toString());
            java.net.http.HttpResponse<String> csv = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.port()
                            + "/api/orders.csv?pileId=SH-P1")).header("Authorization", "Bearer " + reader.token())
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, csv.statusCode());
            String[] lines = csv.body().split("\r\n");
            assertEquals(2, lines.length, csv.body());
            assertTrue(lines[1].startsWith("SH-P1,") && lines[1].contains(",22.90,"), lines[1]);
        }
    }

    private static void moveTo(MovableClock clock, Instant at) {
        Duration d = Duration.between(clock.instant(), at);
        if (!d.isNegative()) {
            clock.advance(d);
        }
    }
}
