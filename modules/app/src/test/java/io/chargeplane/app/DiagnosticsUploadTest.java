package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diagnostics as they travel: GetDiagnostics carries an upload link under the public base URL (127.0.0.5 here,
 * the API on 127.0.0.1); the simulated charger uploads its file by HTTP PUT (and another by POST), reports
 * Uploaded, and the operator downloads what came; a link past its time is refused.
 */
class DiagnosticsUploadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aChargersDiagnosticsAreUploadedByTheLinkItWasGivenAndDownloadedByTheOperator(@TempDir Path dir)
            throws Exception {
        int port = ServerProcess.freePort();
        MovableClock clock = new MovableClock();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.http.host", "0.0.0.0",
                "chargeplane.http.port", port, "chargeplane.public-base-url", "http://127.0.0.5:" + port), clock)) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                cp.onCall("GetDiagnostics", p -> Map.of("fileName", "diag-CP1.log"));
                JsonNode command = rest.ok(rest.post("/api/chargers/p1/diagnostics", "{\"expiresAfter\":\"PT1H\"}"));
                assertEquals("ANSWERED", command.get("status").asText(), "the upload is still to come");
                Frame.Call call = cp.nextServerCall(Duration.ofSeconds(10));
                String location = call.payload().get("location").asText();
                assertTrue(location.startsWith("http://127.0.0.5:" + port + "/api/diagnostics/"), location);

                byte[] log = new byte[50_000];
                new Random(3).nextBytes(log);
                HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(location + "/diag-CP1.log"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(log)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, put.statusCode(), put.body());
                HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(location + "/more.log"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2})).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, post.statusCode(), "POST is accepted too");
                cp.call("DiagnosticsStatusNotification", Map.of("status", "Uploaded"));

                JsonNode done = rest.ok(rest.get("/api/chargers/p1/commands/" + command.get("commandId").asText()));
                for (int i = 0; i < 50 && !done.get("status").asText().equals("CONFIRMED"); i++) {
                    Thread.sleep(100);
                    done = rest.ok(rest.get("/api/chargers/p1/commands/" + command.get("commandId").asText()));
                }
                assertEquals("CONFIRMED", done.get("status").asText());
                JsonNode files = rest.ok(rest.get("/api/diagnostics?pileId=p1")).get("items");
                assertEquals(2, files.size());
                String id = null;
                for (JsonNode f : files) {
                    if (f.get("fileName").asText().equals("diag-CP1.log")) {
                        id = f.get("diagnosticsId").asText();
                    }
                }
                HttpResponse<byte[]> back = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/diagnostics/" + id)).header("Authorization", "Bearer " + rest.token()).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, back.statusCode());
                assertArrayEquals(log, back.body(), "the operator gets the charger's file as it was uploaded");

                clock.advance(Duration.ofHours(24)); // the hour it could wait for the charger and 24 h to upload
                HttpResponse<String> inTime = HTTP.send(HttpRequest.newBuilder(URI.create(location + "/late.log"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, inTime.statusCode(), "the link works 24 h after the command's wait");
                clock.advance(Duration.ofHours(1).plusMinutes(1));
                HttpResponse<String> late = HTTP.send(HttpRequest.newBuilder(URI.create(location + "/late.log"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, late.statusCode(), "an upload link past its time is refused");
            }
        }
    }

    @Test
    void aDiagnosticsBatchGivesEveryChargerItsOwnUploadLink(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.http.host", "0.0.0.0",
                "chargeplane.http.port", port, "chargeplane.public-base-url", "http://127.0.0.5:" + port))) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            rest.pileWithDevice("p2", "CP2");
            try (SimulatedCharger cp1 = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1");
                 SimulatedCharger cp2 = SimulatedCharger.connect(TestNodes.ocpp(node), "CP2")) {
                Map<String, SimulatedCharger> chargers = Map.of("p1", cp1, "p2", cp2);
                for (Map.Entry<String, SimulatedCharger> e : chargers.entrySet()) {
                    e.getValue().boot("Acme", "AC22", "SN-" + e.getKey());
                    e.getValue().onCall("GetDiagnostics", p -> Map.of("fileName", "diag-" + e.getKey() + ".log"));
                }
                Rest.Reply created = rest.post("/api/batches", "{\"operation\":{\"type\":\"diagnostics\","
                        + "\"from\":\"2026-12-01T00:00:00Z\"},\"chargers\":[\"p1\",\"p2\"]}");
                assertEquals(202, created.status(), created.body().toString());
                String batch = created.body().get("batchId").asText();
                Map<String, String> links = new java.util.HashMap<>();
                for (Map.Entry<String, SimulatedCharger> e : chargers.entrySet()) {
                    Frame.Call call = e.getValue().nextServerCall(Duration.ofSeconds(10));
                    assertEquals("GetDiagnostics", call.action());
                    assertEquals("2026-12-01T00:00:00Z", call.payload().get("startTime").asText());
                    links.put(e.getKey(), call.payload().get("location").asText());
                }
                assertTrue(links.get("p1").startsWith("http://127.0.0.5:" + port + "/api/diagnostics/"), links.toString());
                assertTrue(!links.get("p1").equals(links.get("p2")), "each charger has a link of its own");
                for (Map.Entry<String, SimulatedCharger> e : chargers.entrySet()) {
                    HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(links.get(e.getKey())
                                    + "/diag-" + e.getKey() + ".log"))
                            .PUT(HttpRequest.BodyPublishers.ofString("log of " + e.getKey())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, put.statusCode(), put.body());
                    e.getValue().call("DiagnosticsStatusNotification", Map.of("status", "Uploaded"));
                }
                JsonNode done = rest.ok(rest.get("/api/batches/" + batch + "?wait=PT10S"));
                assertTrue(done.get("done").asBoolean(), done.toString());
                assertEquals(2, done.get("counts").get("CONFIRMED").asInt(), done.toString());
                for (String pile : chargers.keySet()) {
                    JsonNode files = rest.ok(rest.get("/api/diagnostics?pileId=" + pile)).get("items");
                    assertEquals(1, files.size(), "each upload is kept under the charger its link was made for");
                    assertEquals("diag-" + pile + ".log", files.get(0).get("fileName").asText());
                }
            }
        }
    }

    @Test
    void aDiagnosticsBatchWithoutAPublicBaseUrlIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            Rest.Reply r = rest.post("/api/batches", "{\"operation\":{\"type\":\"diagnostics\"},"
                    + "\"chargers\":[\"p1\"]}");
            assertEquals(409, r.status(), r.body().toString());
            assertTrue(r.body().toString().contains("public-base-url"), r.body().toString());
        }
    }
}
