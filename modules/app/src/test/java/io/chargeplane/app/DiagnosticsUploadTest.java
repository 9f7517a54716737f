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
                JsonNode command = rest.ok(rest.post("/api/chargers/p1/diagnostics", "{}"));
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

                clock.advance(Duration.ofHours(25));
                HttpResponse<String> late = HTTP.send(HttpRequest.newBuilder(URI.create(location + "/late.log"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, late.statusCode(), "an upload link past its time is refused");
            }
        }
    }
}
