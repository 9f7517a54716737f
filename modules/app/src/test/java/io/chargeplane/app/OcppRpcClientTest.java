package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
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
    void aStrictOcppRpcChargerRunsAWholeSessionAndAnswersARemoteReset(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            rest.idTag("RPC-TAG", "Accepted");
            rest.pileWithDevice("rpc-pile", "RPC-CP");
            Process p = new ProcessBuilder("node", "charger.js", TestNodes.ocpp(node).toString(), "RPC-CP")
                    .directory(client.toFile()).redirectError(client.resolve("charger.err").toFile()).start();
            Map<String, JsonNode> steps = new HashMap<>();
            CompletableFuture<Rest.Reply> reset = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("READY")) {
                        reset = CompletableFuture.supplyAsync(
                                () -> rest.post("/api/chargers/rpc-pile/reset", "{\"type\":\"Hard\"}"));
                        continue;
                    }
                    JsonNode step = OcppJson.MAPPER.readTree(line);
                    steps.put(step.get("step").asText(), step.get("value"));
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "the ocpp-rpc charger failed: " + steps.get("error"));

            assertEquals("Accepted", steps.get("boot").get("status").asText());
            assertEquals("Accepted", steps.get("authorize").get("idTagInfo").get("status").asText());
            int tx = steps.get("start").get("transactionId").asInt();
            assertTrue(tx > 0);
            assertEquals("UnknownVendorId", steps.get("dataTransfer").get("status").asText());
            assertEquals("Hard", steps.get("reset").get("type").asText());
            assertEquals("ANSWERED", reset.get(30, TimeUnit.SECONDS).body().get("outcome").asText());

            JsonNode pile = rest.ok(rest.get("/api/chargers/rpc-pile/live"));
            assertEquals("RpcVendor", pile.get("boot").get("vendor").asText());
            JsonNode session = pile.get("endedSessions").get(0);
            assertEquals(tx, session.get("transactionId").asInt());
            assertEquals(1000, session.get("energyWh").asLong());
            assertEquals("Idle", pile.get("firmwareStatus").asText());
            assertEquals(4, node.control().telemetry().count());
        }
    }
}
