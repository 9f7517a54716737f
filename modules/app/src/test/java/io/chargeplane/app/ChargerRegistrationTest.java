package io.chargeplane.app;

import static io.chargeplane.app.StationReviewTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S5-S8 end to end: a charger is registered at a station with its device for review; the device is rejected at
 * boot until a manager approves, accepted after; numbers and identities are unique; a charger in use cannot move;
 * the station follows its chargers. On H2 and on PostgreSQL.
 */
class ChargerRegistrationTest {
    static final String STATION = "{\"mode\":\"direct\",\"name\":\"%s\",\"address\":{\"line1\":\"Main St 1\","
            + "\"city\":\"Hamburg\",\"country\":\"DE\"},\"latitude\":53.55,\"longitude\":10.0,"
            + "\"timeZone\":\"Europe/Berlin\",\"stationId\":\"%s\"}";

    static String charger(String mode, String pileId, String number, String station, String identity) {
        return "{\"mode\":\"" + mode + "\"," + (pileId == null ? "" : "\"pileId\":\"" + pileId + "\",")
                + "\"chargerNumber\":\"" + number + "\",\"stationId\":\"" + station + "\",\"model\":\"Wallbox Pro 22\","
                + "\"maxPowerKw\":22,\"connectors\":[{\"connectorId\":1,\"type\":\"Type 2\",\"powerKw\":22}]"
                + (identity == null ? "" : ",\"deviceIdentity\":\"" + identity + "\"") + "}";
    }

    static final class DeviceDigest {
        static String of(String secret) {
            return io.chargeplane.control.device.DeviceEntity.digest(secret);
        }
    }

    static int handshakeStatus(Runnable connect) {
        try {
            connect.run();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("the handshake succeeded");
    }

    @Test
    void chargersOnH2(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            walkThrough(node);
        }
    }

    @Test
    void chargersOnPostgres() throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.postgres())) {
            walkThrough(node);
        }
    }

    private static void walkThrough(ChargePlaneNode node) throws Exception {
        Rest admin = new Rest(node);
        admin.ok(admin.post("/api/accounts", "{\"username\":\"otto\",\"role\":\"OPERATOR\",\"password\":\"otto-password-1\"}"));
        admin.ok(admin.post("/api/accounts", "{\"username\":\"mia\",\"role\":\"MANAGER\",\"password\":\"mia-password-12\"}"));
        Rest otto = admin.as("otto", "otto-password-1");
        Rest mia = admin.as("mia", "mia-password-12");
        admin.ok(admin.post("/api/stations", String.format(STATION, "Harbour", "ST-A")));
        admin.ok(admin.post("/api/stations", String.format(STATION, "Airport", "ST-B")));
        admin.idTag("TAG", "Accepted");

        // S5-S8: registered with its device, waiting for review
        JsonNode submitted = otto.ok(otto.post("/api/chargers", charger("review", "P-1", "CN-1", "ST-A", "CP-R1")));
        assertEquals("PENDING_REVIEW", submitted.get("status").asText());
        String changeId = submitted.get("pending").get("changeId").asText();

        // the device is rejected at boot while its binding waits for review
        try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-R1")) {
            assertEquals(DataTypes.RegistrationStatus.REJECTED, cp.boot("Acme", "W22", "SN-1").status());

            // a second charger cannot take the number, nor the identity its binding reserved
            Rest.Reply sameNumber = otto.post("/api/chargers", charger("review", "P-2", "CN-1", "ST-A", null));
            assertEquals(409, sameNumber.status());
            assertEquals("chargerNumber", sameNumber.body().get("field").asText());
            Rest.Reply sameDevice = otto.post("/api/chargers", charger("review", "P-3", "CN-3", "ST-A", "CP-R1"));
            assertEquals(409, sameDevice.status());
            assertEquals("deviceIdentity", sameDevice.body().get("field").asText());
            assertEquals(404, otto.get("/api/chargers/P-2").status(), "a refused charger leaves nothing behind");
            assertEquals(200, otto.post("/api/chargers", charger("draft", "P-3", "CN-3", "ST-A", null)).status(),
                    "CN-3, claimed for the refused P-3 first, was given back");

            // approved by a manager: live, bound, accepted at the next boot; the station lists it
            JsonNode approved = mia.ok(mia.post("/api/chargers/P-1/approve", "{\"changeId\":\"" + changeId + "\"}"));
            assertEquals("ACTIVE", approved.get("status").asText());
            assertEquals("CP-R1", approved.get("identity").asText());
            assertEquals(DataTypes.RegistrationStatus.ACCEPTED, cp.boot("Acme", "W22", "SN-1").status());
            eventually(() -> admin.ok(admin.get("/api/stations/ST-A")), s -> s.get("chargers").toString().contains("P-1"));
            eventually(() -> otto.ok(otto.get("/api/chargers?stationId=ST-A&status=ACTIVE")),
                    l -> l.get("items").size() == 1 && l.get("items").get(0).get("identity").asText().equals("CP-R1"));

            // the list shows who is connected (reported by the node holding the socket, not journaled)
            eventually(() -> otto.ok(otto.get("/api/chargers?online=true")),
                    l -> l.get("items").size() == 1 && l.get("items").get(0).get("online").asBoolean());

            // with a session in progress the charger cannot move to another station
            int tx = cp.start(1, "TAG", 1000, Instant.now()).transactionId();
            Rest.Reply busy = mia.put("/api/chargers/P-1", charger("direct", null, "CN-1", "ST-B", "CP-R1"));
            assertEquals(409, busy.status());
            assertEquals("stationId", busy.body().get("field").asText());
            cp.stop(tx, 5000, Instant.now(), "TAG");

            // after the session it moves; both stations follow
            JsonNode current = mia.ok(mia.get("/api/chargers/P-1"));
            Rest.Reply moved = mia.sendWithHeader("PUT", "/api/chargers/P-1", charger("direct", null, "CN-1", "ST-B", "CP-R1"),
                    "If-Match", "\"" + current.get("version").asLong() + "\"");
            assertEquals(200, moved.status(), String.valueOf(moved.body()));
            Rest.Reply stale = mia.sendWithHeader("PUT", "/api/chargers/P-1", charger("direct", null, "CN-1", "ST-A", "CP-R1"),
                    "If-Match", "\"" + current.get("version").asLong() + "\"");
            assertEquals(412, stale.status());
            eventually(() -> admin.ok(admin.get("/api/stations/ST-B")), s -> s.get("chargers").toString().contains("P-1"));
            assertTrue(!admin.ok(admin.get("/api/stations/ST-A")).get("chargers").toString().contains("P-1"));
            eventually(() -> mia.ok(mia.get("/api/chargers/P-1")), c -> c.get("stationLinked").asBoolean());
        }

        eventually(() -> otto.ok(otto.get("/api/chargers?online=false&stationId=ST-B")),
                l -> l.get("items").size() == 1 && !l.get("items").get(0).get("online").asBoolean());
        assertEquals("online", otto.get("/api/chargers?online=maybe").body().get("field").asText());

        // the device gets an OCPP password, shown once; from then on it must present it (HTTP Basic)
        JsonNode secret = otto.ok(otto.post("/api/chargers/P-1/device-secret", ""));
        String password = secret.get("password").asText();
        assertTrue(password.length() >= 32, "at least 128 random bits, encoded");
        assertEquals(401, handshakeStatus(() -> SimulatedCharger.connect(TestNodes.ocpp(node), "CP-R1")));
        assertEquals(401, handshakeStatus(() -> SimulatedCharger.connectWithPassword(TestNodes.ocpp(node), "CP-R1", "guess")));
        try (SimulatedCharger cp = SimulatedCharger.connectWithPassword(TestNodes.ocpp(node), "CP-R1", password)) {
            assertEquals(DataTypes.RegistrationStatus.ACCEPTED, cp.boot("Acme", "W22", "SN-1").status());
        }
        // a new password; then the table copy of the binding is set back to the old one, as a lost copy write
        // would leave it: the copy is behind the journal, so the handshake asks the device, and the old
        // password no longer opens the socket
        String second = otto.ok(otto.post("/api/chargers/P-1/device-secret", "")).get("password").asText();
        for (int i = 0; i < 100 && copySequence(node, "CP-R1") != journalSequence(node, "CP-R1"); i++) {
            Thread.sleep(100); // the copy is written behind the device's back
        }
        assertEquals(journalSequence(node, "CP-R1"), copySequence(node, "CP-R1"), "the copy caught up");
        try (var c = node.database().dataSource().getConnection(); var u = c.prepareStatement(
                "UPDATE device_binding SET secret_digest = ?, seq_nr = seq_nr - 1 WHERE identity = 'CP-R1'")) {
            u.setString(1, DeviceDigest.of(password));
            assertEquals(1, u.executeUpdate());
        }
        assertEquals(401, handshakeStatus(() -> SimulatedCharger.connectWithPassword(TestNodes.ocpp(node), "CP-R1", password)));
        try (SimulatedCharger cp = SimulatedCharger.connectWithPassword(TestNodes.ocpp(node), "CP-R1", second)) {
            assertEquals(DataTypes.RegistrationStatus.ACCEPTED, cp.boot("Acme", "W22", "SN-1").status());
        }
        assertEquals(409, otto.post("/api/chargers/P-3/device-secret", "").status(), "no device bound to P-3");
        JsonNode issued = eventually(() -> admin.ok(admin.get("/api/audit?entityType=device&entityId=CP-R1")),
                l -> l.get("items").size() == 2);
        assertEquals("otto", issued.get("items").get(0).get("username").asText());
        assertEquals("otto", issued.get("items").get(1).get("username").asText());
        assertTrue(!issued.toString().contains(DeviceDigest.of(password))
                && !issued.toString().contains(DeviceDigest.of(second)), "the digests stay out of the audit log");

        // bad input: each a 400 naming the field, nothing written
        long rows = TestNodes.settledJournalRows(node);
        String ok = charger("review", "P-9", "CN-9", "ST-A", null);
        Map<String, String> bad = Map.of(
                "connectors[0].type", ok.replace("Type 2", "Schuko"),
                "connectors[0].powerKw", ok.replace("\"powerKw\":22", "\"powerKw\":50"),
                "model", ok.replace("\"model\":\"Wallbox Pro 22\",", ""),
                "stationId", ok.replace("ST-A", "ST-NOWHERE"),
                "maxPowerKw", ok.replace("\"maxPowerKw\":22", "\"maxPowerKw\":-1"),
                "chargerNumber", ok.replace("CN-9", "CN 9!"),
                "deviceIdentity", charger("review", "P-9", "CN-9", "ST-A", "has space"));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Rest.Reply r = otto.post("/api/chargers", e.getValue());
            assertEquals(400, r.status(), e.getKey() + ": " + r.body());
            assertEquals(e.getKey(), r.body().get("field").asText(), String.valueOf(r.body()));
        }
        assertEquals(rows, TestNodes.journalRows(node), "bad input wrote nothing");
        assertEquals(200, otto.post("/api/chargers", ok).status(), "CN-9 is still free");
    }

    /** The device's highest sequence number in the journal. */
    private static long journalSequence(io.chargeplane.app.ChargePlaneNode node, String identity) throws Exception {
        try (var c = node.database().dataSource().getConnection(); var q = c.prepareStatement(
                "SELECT MAX(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
            q.setString(1, "Device|" + identity);
            try (var rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The sequence number of the device event its table copy reflects (0 without a copy). */
    private static long copySequence(io.chargeplane.app.ChargePlaneNode node, String identity) throws Exception {
        try (var c = node.database().dataSource().getConnection();
             var q = c.prepareStatement("SELECT seq_nr FROM device_binding WHERE identity = ?")) {
            q.setString(1, identity);
            try (var rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
