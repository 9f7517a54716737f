package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.simulator.SimulatedCharger;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster on one PostgreSQL, as behind a load balancer: chargers connected to node C are commanded by an
 * operator calling node A, their piles living on whichever node sharding put them (some on neither: asserted); the
 * event feed of node B carries what happened on C; a file uploaded through A is served by C (one shared file store).
 */
class ClusterRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CHARGERS = 9;

    @Test
    void anOperatorOnAnyNodeReachesChargersOnAnotherAndEveryNodeSeesTheirEvents(@TempDir Path dir) throws Exception {
        TestNodes.Db db = TestNodes.postgres();
        String blobs = Files.createDirectories(dir.resolve("shared-blobs")).toString();
        try (ChargePlaneNode a = TestNodes.start(db, Map.of("chargeplane.blobs.dir", blobs))) {
            Map<String, Object> joining = Map.of("chargeplane.cluster.join-self", false, "chargeplane.blobs.dir", blobs,
                    "pekko.cluster.seed-nodes", List.of(a.system().address().toString()));
            try (ChargePlaneNode b = TestNodes.start(db, joining); ChargePlaneNode c = TestNodes.start(db, joining)) {
                TestNodes.awaitMembers(a, 3);
                Rest atA = new Rest(a);
                Rest atB = new Rest(b);
                Rest atC = new Rest(c);
                List<String> piles = new ArrayList<>();
                for (int i = 1; i <= CHARGERS; i++) {
                    atA.pileWithDevice("p" + i, "CP" + i);
                    piles.add("p" + i);
                }
                List<SimulatedCharger> chargers = new ArrayList<>();
                try (EventStreamClient feedAtB = EventStreamClient.bearer(atB, "/api/events?kind=charger.connection")) {
                    assertEquals("ready", feedAtB.next(WAIT).type());
                    for (int i = 1; i <= CHARGERS; i++) {
                        SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(c), "CP" + i);
                        chargers.add(cp);
                        cp.boot("Acme", "AC22", "SN" + i);
                        cp.onCall("ClearCache", p -> Map.of("status", "Accepted"));
                    }
                    Set<String> online = new HashSet<>();
                    for (EventStreamClient.Event e : feedAtB.next(CHARGERS, "charger.connection", WAIT)) {
                        assertTrue(e.data().get("data").get("online").asBoolean(), e.data().toString());
                        online.add(e.data().get("chargerId").asText());
                    }
                    assertEquals(new HashSet<>(piles), online, "node B's feed carries the connects made on node C");

                    Set<Address> hosts = pileHosts(a, piles);
                    assertTrue(hosts.stream().anyMatch(h -> !h.equals(c.system().address())
                                    && !h.equals(a.system().address())),
                            "some piles live on neither the chargers' node nor the operator's: " + hosts);

                    Rest.Reply batch = atA.post("/api/batches?wait=PT15S", "{\"operation\":{\"type\":\"clear-cache\"},"
                            + "\"chargers\":" + toJson(piles) + "}");
                    assertEquals(200, batch.status(), batch.body().toString());
                    JsonNode done = atB.ok(atB.get("/api/batches/" + batch.body().get("batchId").asText()));
                    assertEquals(CHARGERS, done.get("counts").get("ANSWERED").asInt(), done.toString());
                    for (JsonNode t : done.get("targets")) {
                        assertEquals("Accepted", t.get("answer").asText(), t.toString());
                    }
                    for (SimulatedCharger cp : chargers) {
                        assertEquals("ClearCache", cp.nextServerCall(Duration.ofSeconds(5)).action());
                    }
                } finally {
                    chargers.forEach(SimulatedCharger::close);
                }

                byte[] png = png();
                JsonNode photo = atA.ok(atA.postBytes("/api/photos", png, "image/png"));
                HttpResponse<byte[]> fromC = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                                atC.base() + "/api/photos/" + photo.get("photoId").asText()))
                        .header("Authorization", "Bearer " + atC.token()).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, fromC.statusCode());
                assertArrayEquals(png, fromC.body(), "a file uploaded through node A is served by node C");

                aBigBatchIsReadInPagesThroughEveryNode(atA, List.of(atA, atB, atC));
            }
        }
    }

    /**
     * 2,500 targets (none of them a charger: each is refused with its reason) are more than one remote message may
     * carry (256 KiB), so a batch is shown a page of targets at a time; read through all three nodes, at least two
     * of the reads cross to the node holding the batch.
     */
    private static void aBigBatchIsReadInPagesThroughEveryNode(Rest creator, List<Rest> readers) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            ids.add("no-such-charger-" + i);
        }
        Rest.Reply created = creator.post("/api/batches", "{\"operation\":{\"type\":\"clear-cache\"},"
                + "\"ifOffline\":\"fail\",\"chargers\":" + toJson(ids) + "}");
        assertEquals(202, created.status(), created.body().toString());
        assertEquals(500, created.body().get("targets").size(), "the first page");
        String batch = created.body().get("batchId").asText();
        for (Rest rest : readers) {
            JsonNode page = rest.ok(rest.get("/api/batches/" + batch + "?wait=PT15S&limit=500"));
            assertTrue(page.get("done").asBoolean(), page.get("counts").toString());
            assertEquals(2500, page.get("counts").get("REFUSED").asInt());
            List<String> seen = new ArrayList<>();
            while (true) {
                page.get("targets").forEach(t -> seen.add(t.get("pileId").asText()));
                if (!page.path("nextTargets").isTextual()) { // absent on the last page
                    break;
                }
                page = rest.ok(rest.get("/api/batches/" + batch + "?limit=500&after="
                        + page.get("nextTargets").asText()));
            }
            assertEquals(ids, seen, "every target once, in the batch's order");
        }
        JsonNode refused = readers.get(1).ok(readers.get(1).get("/api/batches/" + batch + "?status=REFUSED&limit=3"));
        assertEquals(3, refused.get("targets").size());
        assertEquals("no-such-charger-2", refused.get("nextTargets").asText());
        assertTrue(refused.get("targets").get(0).get("reason").asText().contains("does not exist"),
                refused.toString());
        assertEquals(0, readers.get(2).ok(readers.get(2).get("/api/batches/" + batch + "?status=CONFIRMED"))
                .get("targets").size());
        assertEquals(400, readers.get(0).get("/api/batches/" + batch + "?limit=501").status());
        assertEquals(400, readers.get(0).get("/api/batches/" + batch + "?after=not-a-target").status());
    }

    /** The nodes whose shard regions host the piles' shards now. */
    private static Set<Address> pileHosts(ChargePlaneNode node, List<String> piles) throws Exception {
        int shards = node.system().settings().config().getInt("pekko.cluster.sharding.number-of-shards");
        HashCodeMessageExtractor<Object> extractor = new HashCodeMessageExtractor<>(shards);
        Set<String> wanted = new HashSet<>();
        piles.forEach(p -> wanted.add(extractor.shardId(p)));
        ShardRegion.ClusterShardingStats stats = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                        ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(node.system()).shardState(),
                        r -> new GetClusterShardingStats(PileEntity.ENTITY_KEY, Duration.ofSeconds(5), r),
                        Duration.ofSeconds(10), node.system().scheduler())
                .toCompletableFuture().get(15, TimeUnit.SECONDS);
        Set<Address> hosts = new HashSet<>();
        stats.getRegions().forEach((address, region) -> region.getStats().keySet().forEach(shard -> {
            if (wanted.contains(shard)) {
                hosts.add(address);
            }
        }));
        return hosts;
    }

    private static String toJson(List<String> ids) {
        return "[\"" + String.join("\",\"", ids) + "\"]";
    }

    private static byte[] png() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4, 4,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 2, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

}
