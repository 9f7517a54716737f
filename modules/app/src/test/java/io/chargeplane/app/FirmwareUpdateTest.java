package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A firmware update as it travels: an operator uploads the file, a batch sends UpdateFirmware with a signed link
 * under the public base URL (another loopback address than the API's, as chargers are never on localhost), the
 * simulated charger downloads it over HTTP and checks its SHA-256, reports its progress, reboots with the new
 * version, and the batch's row is confirmed; an expired link is refused.
 */
class FirmwareUpdateTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aFirmwareFileTravelsToTheChargerByASignedLinkAndTheUpdateIsConfirmedByInstalled(@TempDir Path dir)
            throws Exception {
        int port = ServerProcess.freePort();
        MovableClock clock = new MovableClock();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.http.host", "0.0.0.0",
                "chargeplane.http.port", port, "chargeplane.public-base-url", "http://127.0.0.5:" + port), clock)) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            byte[] firmware = new byte[300_000];
            new Random(7).nextBytes(firmware);
            JsonNode file = rest.ok(rest.postBytes("/api/firmware?fileName=acme-2.0.bin&version=2.0", firmware,
                    "application/octet-stream"));
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(firmware));
            assertEquals(sha256, file.get("firmwareId").asText(), "a file is known by its SHA-256");

            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                cp.onCall("UpdateFirmware", p -> Map.of());
                Rest.Reply batch = rest.post("/api/batches", "{\"operation\":{\"type\":\"update-firmware\","
                        + "\"firmwareId\":\"" + sha256 + "\"},\"chargers\":[\"p1\"]}");
                assertEquals(202, batch.status(), batch.body().toString());
                String batchId = batch.body().get("batchId").asText();
                Frame.Call call = cp.nextServerCall(Duration.ofSeconds(10));
                assertEquals("UpdateFirmware", call.action());
                String location = call.payload().get("location").asText();
                assertTrue(location.startsWith("http://127.0.0.5:" + port + "/api/firmware/"), location);
                assertTrue(location.length() <= 512, "at most 512 characters");

                HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(location)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, got.statusCode());
                assertEquals(sha256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got.body())),
                        "the charger checks what it downloaded");
                for (String status : new String[] {"Downloading", "Downloaded", "Installing", "Installed"}) {
                    cp.call("FirmwareStatusNotification", Map.of("status", status));
                }
                cp.call("BootNotification", Map.of("chargePointVendor", "Acme", "chargePointModel", "AC22",
                        "chargePointSerialNumber", "SN1", "firmwareVersion", "2.0"));
                JsonNode done = until(rest, batchId);
                JsonNode row = done.get("targets").get(0);
                assertEquals("CONFIRMED", row.get("status").asText());
                assertEquals("firmware installed", row.get("confirmation").asText());
                JsonNode live = rest.ok(rest.get("/api/chargers/p1/live"));
                assertEquals("2.0", live.get("boot").get("firmwareVersion").asText(), "the new version is tracked");
                assertEquals("Installed", live.get("firmwareStatus").asText());

                clock.advance(Duration.ofHours(49)); // past the link's validity (48 h after its retrieve date)
                HttpResponse<byte[]> late = HTTP.send(HttpRequest.newBuilder(URI.create(location)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(404, late.statusCode(), "an expired link is refused");
                String forged = location.replaceFirst("/api/firmware/.", "/api/firmware/A");
                assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(forged)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).statusCode(), "a changed token is refused");
            }
        }
    }

    @Test
    void withoutAPublicBaseUrlAFirmwareUpdateIsRefusedAndAnOversizedFileToo(@TempDir Path dir) {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.firmware.max-size", "1KiB"))) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            JsonNode file = rest.ok(rest.postBytes("/api/firmware?fileName=small.bin&version=1", new byte[] {1, 2, 3},
                    "application/octet-stream"));
            Rest.Reply refused = rest.post("/api/batches", "{\"operation\":{\"type\":\"update-firmware\","
                    + "\"firmwareId\":\"" + file.get("firmwareId").asText() + "\"},\"chargers\":[\"p1\"]}");
            assertEquals(409, refused.status());
            assertEquals("operation.firmwareId", refused.body().get("field").asText());
            Rest.Reply big = rest.postBytes("/api/firmware?fileName=big.bin&version=1", new byte[2048],
                    "application/octet-stream");
            assertEquals(413, big.status());
            Rest.Reply badName = rest.postBytes("/api/firmware?fileName=a%20b&version=1", new byte[] {1},
                    "application/octet-stream");
            assertEquals("fileName", badName.body().get("field").asText());
            assertNotNull(rest.ok(rest.get("/api/firmware")).get("items").get(0).get("sizeBytes"));
        }
    }

    private static JsonNode until(Rest rest, String batchId) throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 100; i++) {
            last = rest.ok(rest.get("/api/batches/" + batchId));
            if (last.get("done").asBoolean()) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("batch still " + last);
    }
}
