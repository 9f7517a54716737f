package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators watch a node with: Prometheus metrics at /metrics, and JSON logs when asked for. */
class ObservabilityTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String scrape(String base) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "no token needed, like health");
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    /** The value of the first sample whose line starts with {@code prefix} (name and labels). */
    private static double sample(String metrics, String prefix) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[^ ]* ([0-9.eE+-]+)$").matcher(metrics);
        assertTrue(m.find(), "no " + prefix + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsCountChargersCallsByActionAndOutcomeJournalWritesCommandsAndTheJvm(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("m1", "M-1");
            String base = "http://127.0.0.1:" + node.port();
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "M-1")) {
                cp.boot("Acme", "AC22", "SN-M1");
                cp.heartbeat();
                cp.heartbeat();
                cp.sendRaw("[2,\"bad\",\"BrewCoffee\",{}]");
                cp.nextRaw(java.time.Duration.ofSeconds(10));
                rest.ok(rest.post("/api/chargers/m1/reset", "{\"type\":\"Soft\"}"));
                String m = scrape(base);
                assertEquals(1, sample(m, "chargeplane_ocpp_sessions"), "one charger connected");
                assertTrue(sample(m, "chargeplane_ocpp_calls_seconds_count{action=\"Heartbeat\",outcome=\"result\"")
                        >= 2);
                assertEquals(1, sample(m, "chargeplane_ocpp_calls_seconds_count{action=\"BootNotification\",outcome=\"result\""));
                assertEquals(1, sample(m, "chargeplane_ocpp_calls_seconds_count{action=\"unknown\",outcome=\"error\""),
                        "a made-up action is counted, never named");
                assertTrue(m.contains("chargeplane_ocpp_calls_seconds_bucket{action=\"Heartbeat\""), "latency histogram");
                assertEquals(1, sample(m, "chargeplane_commands_total{action=\"Reset\",state=\"accepted\""));
                assertEquals(1, sample(m, "chargeplane_commands_total{action=\"Reset\",state=\"answered\""));
                assertTrue(sample(m, "chargeplane_journal_write_seconds_count") >= 1);
                assertTrue(sample(m, "jvm_memory_used_bytes") > 0);
            }
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithAnIsoTimestamp(@TempDir Path dir) throws Exception {
        TestNodes.Db db = TestNodes.h2(dir);
        ServerProcess server = ServerProcess.start(db, dir, "-DCHARGEPLANE_LOG_FORMAT=json");
        server.stop();
        List<String> lines = Files.readAllLines(server.log()).stream().filter(l -> l.startsWith("{")).toList();
        assertTrue(lines.size() > 3, "log lines: " + Files.readString(server.log()));
        boolean started = false;
        for (String line : lines) {
            JsonNode entry = OcppJson.MAPPER.readTree(line);
            OffsetDateTime.parse(entry.get("@timestamp").asText()); // ISO-8601 with its offset
            assertTrue(entry.has("level") && entry.has("logger_name") && entry.has("message"), line);
            started |= entry.get("message").asText().startsWith("ChargePlane: REST API on");
        }
        assertTrue(started, "the start line is among them");
    }
}
