package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * S7 in a cluster: the same device identity bound to two chargers by two requests released at the same instant on
 * two nodes of a two-node cluster (one PostgreSQL): exactly one wins, every time, and the loser leaves nothing.
 */
class TwoNodeBindingTest {

    @Test
    void oneIdentityToTwoChargersOnTwoNodesAtOnceExactlyOneWins() throws Exception {
        TestNodes.Db db = TestNodes.postgres();
        try (ChargePlaneNode first = TestNodes.start(db)) {
            String seed = first.system().address().toString();
            try (ChargePlaneNode second = TestNodes.start(db, Map.of("chargeplane.cluster.join-self", false,
                    "pekko.cluster.seed-nodes", List.of(seed)))) {
                TestNodes.awaitMembers(first, 2);
                Rest a = new Rest(first);
                Rest b = new Rest(second);
                a.ok(a.post("/api/stations", String.format(ChargerRegistrationTest.STATION, "Depot", "ST-1")));
                int rounds = 12;
                for (int i = 0; i < rounds; i++) {
                    a.ok(a.post("/api/chargers", ChargerRegistrationTest.charger("direct", "A-" + i, "NA-" + i, "ST-1", null)));
                    b.ok(b.post("/api/chargers", ChargerRegistrationTest.charger("direct", "B-" + i, "NB-" + i, "ST-1", null)));
                }
                ExecutorService pool = Executors.newFixedThreadPool(2 * rounds);
                try {
                    CountDownLatch go = new CountDownLatch(1);
                    List<CompletableFuture<int[]>> races = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        int n = i;
                        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(() -> bind(a, go, "A-" + n, "NA-" + n, "DEV-" + n), pool);
                        CompletableFuture<Integer> right = CompletableFuture.supplyAsync(() -> bind(b, go, "B-" + n, "NB-" + n, "DEV-" + n), pool);
                        races.add(left.thenCombine(right, (x, y) -> new int[] {x, y}));
                    }
                    go.countDown();
                    for (int i = 0; i < rounds; i++) {
                        int[] statuses = races.get(i).get(60, TimeUnit.SECONDS);
                        List<Integer> both = List.of(statuses[0], statuses[1]);
                        assertTrue(both.contains(200) && both.contains(409), "round " + i + ": " + both);
                        String winner = statuses[0] == 200 ? "A-" + i : "B-" + i;
                        String loser = statuses[0] == 200 ? "B-" + i : "A-" + i;
                        JsonNode won = a.ok(a.get("/api/chargers/" + winner));
                        JsonNode lost = b.ok(b.get("/api/chargers/" + loser));
                        assertEquals("DEV-" + i, won.get("identity").asText());
                        assertTrue(lost.path("identity").isMissingNode(), "the loser is not bound: " + lost);
                        assertTrue(lost.path("live").path("deviceIdentity").isMissingNode());
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static int bind(Rest rest, CountDownLatch go, String pileId, String number, String identity) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rest.put("/api/chargers/" + pileId, ChargerRegistrationTest.charger("direct", null, number, "ST-1", identity))
                .status();
    }
}
