package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server driven by a charger no one here wrote: npm {@code ocpp-rpc} in strict mode validates every frame
 * both ways against the official schemas with its own validator. Installed from the lock file in
 * {@code src/test/node/ocpp-rpc-client}.
 */
class OcppRpcClientTest {
    static Path client;

    @BeforeAll
    static void installClient() throws Exception {
        Path source = Path.of("src/test/node/ocpp-rpc-client");
        client = Path.of("target/ocpp-rpc-client");
        Files.createDirectories(client);
        for (String f : new String[] {"package.json", "package-lock.json", "charger.js"}) {
            Files.copy(source.resolve(f), client.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(client.resolve("node_modules/ocpp-rpc"))) {
            // never inherit the fork's stdout: Surefire talks to its forked JVM over it
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(client.toFile()).redirectErrorStream(true)
                    .redirectOutput(client.resolve("npm-ci.log").toFile()).start();
            assertTrue(npm.waitFor(300, TimeUnit.SECONDS), "npm ci did not finish");
            assertEquals(0, npm.exitValue(), "npm ci failed: see " + client.resolve("npm-ci.log"));
        }
    }

    @Test
    void aStrictOcppRpcChargerRunsAWholeSessionAndAnswersEveryOperationTheServerSends(@TempDir Path dir)
            throws Exception {
        int port = ServerProcess.freePort();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.http.host", "0.0.0.0",
                "chargeplane.http.port", port, "chargeplane.public-base-url", "http://127.0.0.5:" + port))) {
            Rest rest = new Rest(node);
            rest.idTag("RPC-TAG", "Accepted");
            rest.pileWithDevice("rpc-pile", "RPC-CP");
            byte[] firmware = new byte[100_000];
            new Random(11).nextBytes(firmware);
            String firmwareId = rest.ok(rest.postBytes("/api/firmware?fileName=rpc-2.0.bin&version=2.0", firmware,
                    "application/octet-stream")).get("firmwareId").asText();
            Process p = new ProcessBuilder("node", "charger.js", TestNodes.ocpp(node).toString(), "RPC-CP")
                    .directory(client.toFile()).redirectError(client.resolve("charger.err").toFile()).start();
            Map<String, JsonNode> steps = new HashMap<>();
            List<String> calls = new ArrayList<>();
            CompletableFuture<Map<String, JsonNode>> operations = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("READY")) {
                        operations = CompletableFuture.supplyAsync(() -> {
                            try {
                                return everyOperation(rest, firmwareId);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        continue;
                    }
                    JsonNode step = OcppJson.MAPPER.readTree(line);
                    if (step.get("step").asText().equals("call")) {
                        calls.add(step.get("value").get("method").asText());
                    }
                    steps.put(step.get("step").asText(), step.get("value"));
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "the ocpp-rpc charger failed: " + steps.get("error"));
            assertNull(steps.get("error"), "the ocpp-rpc charger failed");

            assertEquals("Accepted", steps.get("boot").get("status").asText());
            assertEquals("Accepted", steps.get("authorize").get("idTagInfo").get("status").asText());
            int tx = steps.get("start").get("transactionId").asInt();
            assertTrue(tx > 0);
            assertEquals("UnknownVendorId", steps.get("dataTransfer").get("status").asText());

            // every call the server sent passed ocpp-rpc's schema check on the way in (else it answers a
            // CALLERROR, and the row below would say so), and every answer passed it on the way out
            Map<String, JsonNode> rows = operations.get(60, TimeUnit.SECONDS);
            assertEquals(List.of("ChangeConfiguration", "GetConfiguration", "TriggerMessage", "UnlockConnector",
                    "ClearCache", "ChangeAvailability", "ChangeAvailability", "RemoteStartTransaction",
                    "RemoteStopTransaction", "UpdateFirmware", "GetDiagnostics", "Reset"), calls, "each once, in order");
            for (String op : List.of("change-configuration", "read-configuration", "trigger", "clear-cache")) {
                assertEquals("Accepted", rows.get(op).get("answer").asText(), op);
                assertTrue(rows.get(op).get("done").asBoolean(), op);
            }
            assertTrue(rows.get("read-configuration-answer").asText().contains("\"600\""),
                    "the key as changed just before: " + rows.get("read-configuration-answer"));
            assertEquals("Unlocked", rows.get("unlock").get("answer").asText());
            for (String op : List.of("take-out-of-service", "back-in-service", "start", "stop", "update-firmware")) {
                assertEquals("CONFIRMED", rows.get(op).get("status").asText(), op + ": " + rows.get(op));
            }
            assertEquals(200, steps.get("firmwareFile").get("status").asInt());
            assertEquals(firmwareId, steps.get("firmwareFile").get("sha256").asText(), "the file as uploaded");
            assertEquals(200, steps.get("diagnosticsUpload").get("status").asInt());
            assertEquals("CONFIRMED", rows.get("diagnostics").get("status").asText());
            assertEquals("Hard", steps.get("reset").get("type").asText());
            assertEquals("ANSWERED", rows.get("reset").get("outcome").asText());

            JsonNode pile = rest.ok(rest.get("/api/chargers/rpc-pile/live"));
            assertEquals("RpcVendor", pile.get("boot").get("vendor").asText());
            JsonNode first = pile.get("endedSessions").get(0);
            assertEquals(tx, first.get("transactionId").asInt());
            assertEquals(1000, first.get("energyWh").asLong());
            assertEquals(2, pile.get("endedSessions").size(), "the charger's own session and the remote one");
            assertEquals("Installed", pile.get("firmwareStatus").asText());
            assertEquals(4, node.control().telemetry().count());
        }
    }

    /** Each operation in turn as an operator sends it, with its batch row (or command record) once it is done. */
    private static Map<String, JsonNode> everyOperation(Rest rest, String firmwareId) throws InterruptedException {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        rows.put("change-configuration", batch(rest, "{\"type\":\"change-configuration\",\"key\":\"HeartbeatInterval\","
                + "\"value\":\"600\"}"));
        JsonNode read = batch(rest, "{\"type\":\"read-configuration\",\"keys\":[\"HeartbeatInterval\"]}");
        rows.put("read-configuration", read);
        rows.put("read-configuration-answer", rest.ok(rest.get("/api/chargers/rpc-pile/commands/"
                + read.get("commandId").asText())).get("responseJson"));
        rows.put("trigger", batch(rest, "{\"type\":\"trigger\",\"message\":\"StatusNotification\",\"connectorId\":1}"));
        rows.put("unlock", batch(rest, "{\"type\":\"unlock\",\"connectorId\":1}"));
        rows.put("clear-cache", batch(rest, "{\"type\":\"clear-cache\"}"));
        rows.put("take-out-of-service", batch(rest, "{\"type\":\"take-out-of-service\",\"connectorId\":1}"));
        rows.put("back-in-service", batch(rest, "{\"type\":\"back-in-service\",\"connectorId\":1}"));
        rows.put("start", batch(rest, "{\"type\":\"start\",\"idTag\":\"RPC-TAG\",\"connectorId\":1}"));
        int tx = StationReviewTest.eventually(() -> rest.ok(rest.get("/api/chargers/rpc-pile/live")),
                l -> l.get("activeSessions").size() == 1).get("activeSessions").get(0).get("transactionId").asInt();
        rows.put("stop", batch(rest, "{\"type\":\"stop\",\"transactionId\":" + tx + "}"));
        rows.put("update-firmware", batch(rest, "{\"type\":\"update-firmware\",\"firmwareId\":\"" + firmwareId + "\"}"));
        JsonNode diagnostics = rest.ok(rest.post("/api/chargers/rpc-pile/diagnostics", "{}"));
        rows.put("diagnostics", StationReviewTest.eventually(() -> rest.ok(rest.get("/api/chargers/rpc-pile/commands/"
                + diagnostics.get("commandId").asText())), c -> c.get("status").asText().equals("CONFIRMED")));
        rows.put("reset", rest.ok(rest.post("/api/chargers/rpc-pile/reset", "{\"type\":\"Hard\"}")));
        return rows;
    }

    /** Sends {@code operation} to the ocpp-rpc charger as a batch and answers its one row once it is done. */
    private static JsonNode batch(Rest rest, String operation) throws InterruptedException {
        Rest.Reply created = rest.post("/api/batches?wait=PT10S", "{\"operation\":" + operation
                + ",\"chargers\":[\"rpc-pile\"]}");
        if (created.status() != 200 && created.status() != 202) {
            throw new AssertionError(operation + ": " + created.status() + " " + created.body());
        }
        String id = created.body().get("batchId").asText();
        return StationReviewTest.eventually(() -> rest.ok(rest.get("/api/batches/" + id)),
                b -> b.get("done").asBoolean()).get("targets").get(0);
    }
}
