package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.simulator.SimulatedCharger;
import io.chargeplane.simulator.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCPP WebSocket server's own rules: paths, message types, back-pressure, dead peers. */
class SocketEdgeTest {
    @TempDir
    static Path dir;
    static ChargePlaneNode node;

    @BeforeAll
    static void start() {
        node = TestNodes.start(TestNodes.h2(dir), Map.of(
                "chargeplane.ocpp.idle-timeout", "2s",
                "chargeplane.ocpp.keep-alive-ping", "500ms"));
        Rest rest = new Rest(node);
        rest.pileWithDevice("pile-1", "CP-1");
        rest.pileWithDevice("pile-2", "CP-2");
        rest.pileWithDevice("pile-3", "CP-3");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aPathOutsideOcppIsAnswered404() throws Exception {
        CompletionException e = assertThrows(CompletionException.class, () -> SimulatedCharger.connect(
                URI.create("ws://127.0.0.1:" + node.ocppPort() + "/elsewhere"), "CP-1"));
        assertEquals(404, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void aPlainHttpRequestWithoutUpgradeIsAnswered400WithTheReason() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.ocppPort() + "/ocpp/CP-1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("WebSocket upgrade"), r.body());
    }

    @Test
    void callsSentWithoutWaitingAreAllAnsweredInOrderAndTheSocketStaysUp() throws Exception {
        try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-2")) {
            cp.boot("Acme", "AC22", "SN2");
            int calls = 200; // far more than pause-reading-at: reading pauses and resumes, nothing is lost
            for (int i = 0; i < calls; i++) {
                cp.sendRaw("[2,\"hb-" + i + "\",\"Heartbeat\",{}]");
            }
            for (int i = 0; i < calls; i++) {
                String answer = cp.nextRaw(Duration.ofSeconds(10));
                assertNotNull(answer, "answer " + i);
                JsonNode a = OcppJson.MAPPER.readTree(answer);
                assertEquals(3, a.get(0).asInt(), answer);
                assertEquals("hb-" + i, a.get(1).asText());
            }
            assertTrue(cp.isOpen());
        }
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsClosedAfterTheIdleTimeout() throws Exception {
        try (TcpProxy proxy = new TcpProxy(node.edges().ocpp().address())) {
            SimulatedCharger cp = SimulatedCharger.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/ocpp"), "CP-3");
            cp.boot("Acme", "AC22", "SN3");
            proxy.freezeAll(); // the charger vanished without closing: no pong will come back
            for (int i = 0; i < 100 && !proxy.connections().get(0).serverClosed; i++) {
                Thread.sleep(100);
            }
            assertTrue(proxy.connections().get(0).serverClosed, "the server closed the dead socket");
            cp.abort();
        }
    }
}
