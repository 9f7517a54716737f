package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probes a load balancer and Kubernetes use, on Pekko Management's port and the API's alike: a node that is
 * not a member of a cluster yet is live but not ready (it says why); once it is Up with its database reachable it
 * is ready, and its management port lists the cluster's members.
 */
class HealthProbeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNodeIsLiveAtOnceAndReadyOnlyOnceItIsAnUpMemberOfTheCluster(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.cluster.join-self", false,
                "pekko.cluster.seed-nodes", List.of()))) {
            String management = "http://127.0.0.1:" + node.managementPort();
            String api = "http://127.0.0.1:" + node.port();
            for (String base : List.of(management, api)) {
                assertEquals(200, get(base + "/health/live").statusCode(), base);
                HttpResponse<String> notReady = get(base + "/health/ready");
                // Pekko Management answers a failed check 500, the API 503: both fail a probe (Kubernetes: >= 400)
                assertEquals(base.equals(api) ? 503 : 500, notReady.statusCode(), base + ": " + notReady.body());
assertTrue(notReady.body().contains("Not Healthy") || notReady.body().contains("NOT_READY"),
                        base + ": " + notReady.body());
            }

            Cluster cluster = Cluster.get(node.system());
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
            for (String base : List.of(management, api)) {
                HttpResponse<String> ready = get(base + "/health/ready");
                for (int i = 0; i < 100 && ready.statusCode() != 200; i++) {
                    Thread.sleep(100);
                    ready = get(base + "/health/ready");
                }
                assertEquals(200, ready.statusCode(), base + ": " + ready.body());
            }
            JsonNode members = JSON.readTree(get(management + "/cluster/members").body());
            assertEquals(1, members.get("members").size(), members.toString());
            assertEquals("Up", members.get("members").get(0).get("status").asText());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
