package io.chargeplane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Three node processes on one PostgreSQL (conf/cluster.conf, static seeds), chargers spread over them with sessions
 * in progress and commands queued for two that are offline; one node that holds sockets and shards is killed with
 * SIGKILL. Its chargers reconnect to the survivors, which take over its shards once the split-brain resolver has
 * downed it (budget: ~5 s to notice, 15 s stable-after, then recovery: the chargers retry for up to 2 minutes
 * here). Afterwards, from the chargers' own log: every answered session is there exactly once with energy = meterStop
 * - meterStart, no transaction id was handed out twice, each queued command arrived exactly once, and operators see
 * the same on every surviving node.
 */
class ClusterFailoverTest {
    private static final String PASSWORD = "failover-admin-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CHARGERS = 12;
    private static final String STATION = "{\"mode\":\"direct\",\"stationId\":\"ST-FO\",\"name\":\"Failover depot\","
            + "\"address\":{\"line1\":\"Main St 1\",\"city\":\"Hamburg\",\"country\":\"DE\"},\"latitude\":53.55,"
            + "\"longitude\":10.0,\"timeZone\":\"Europe/Berlin\"}";

    /** A session as the charger saw it: the transaction id it was given, its meter at start and at stop. */
    record Session(String pile, int transactionId, long meterStart, long meterStop) {
    }

    @Test
    void aKilledNodesChargersAndEntitiesMoveToTheSurvivorsAndNothingAnsweredIsLostOrDoubled() throws Exception {
        Path conf = Path.of("../../conf/cluster.conf");
        // the nodes' logs stay for after the run (CI keeps target/)
        Path dir = java.nio.file.Files.createDirectories(Path.of("target/cluster-failover/" + System.currentTimeMillis()));
        try (LocalCluster cluster = LocalCluster.start(3, true, null, conf, dir.toFile(),
                Map.of("CHARGEPLANE_ADMIN_PASSWORD", PASSWORD),
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-Dchargeplane.auth.argon2.memory-kib=1024"))) {
            LocalCluster.Node victim = cluster.node(3);
            Api one = Api.login(cluster.node(1).http());
            Api two = Api.login(cluster.node(2).http());
            provision(one);

            Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Map<String, SimulatedCharger> chargers = new HashMap<>();
            Map<String, Integer> openTx = new HashMap<>();
            List<Session> log = new ArrayList<>();
            try {
                for (int k = 1; k <= CHARGERS; k++) {
                    String pile = "fo" + k;
                    SimulatedCharger cp = boot(cluster.node((k - 1) % 3 + 1).ocpp(), k);
                    chargers.put(pile, cp);
                    int tx = cp.start(1, "TAG-FO", 1_000L * k, t0).transactionId();
                    openTx.put(pile, tx);
                    cp.status(1, DataTypes.ChargePointStatus.CHARGING);
                    cp.meterValues(1, tx, t0.plusSeconds(60), 1_000L * k + 500, 7_000);
                }
                // fo3 and fo6 (connected to the victim) go offline with their sessions open; commands queue for them
                for (String pile : List.of("fo3", "fo6")) {
                    chargers.remove(pile).abort();
                }
                JsonNode queued = one.ok("POST", "/api/batches", "{\"operation\":{\"type\":\"change-configuration\","
                        + "\"key\":\"HeartbeatInterval\",\"value\":\"300\"},\"chargers\":[\"fo3\",\"fo6\"]}");
                String batchId = queued.get("batchId").asText();
                eventually(() -> two.ok("GET", "/api/batches/" + batchId, null), b -> {
                    for (JsonNode t : b.get("targets")) {
                        if (!"QUEUED".equals(t.get("status").asText()) || !t.path("commandId").isTextual()) {
                            return false;
                        }
                    }
                    return true;
                });

                JsonNode shards = getJson(victim.management() + "/cluster/shards/Pile");
                assertFalse(shards.get("regions").isEmpty(), "the victim hosts pile shards: " + shards);
                assertTrue(two.ok("GET", "/api/chargers/fo9/live", null).get("connected").asBoolean());
                cluster.kill(victim);
                long killedAt = System.nanoTime();
                assertFalse(victim.alive(), "killed");

                // the victim's chargers come back through the survivors (as a load balancer sends them), retrying
                // while the dead node is downed and its shards move
                List<LocalCluster.Node> survivors = List.of(cluster.node(1), cluster.node(2));
                for (int k : new int[] {3, 6, 9, 12}) {
                    String pile = "fo" + k;
                    SimulatedCharger old = chargers.remove(pile);
                    if (old != null) {
                        old.abort();
                    }
                    chargers.put(pile, retrying(survivors, k, cp -> cp));
                }
                System.out.printf("failover: the killed node's 4 chargers were all booted again on the survivors "
                        + "%.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
                for (String pile : List.of("fo3", "fo6")) {
                    Frame.Call call = chargers.get(pile).nextServerCall(Duration.ofSeconds(30));
                    assertTrue(call != null && call.action().equals("ChangeConfiguration"),
                            pile + " gets its queued command once it is back: " + call);
                }

                for (int k = 1; k <= CHARGERS; k++) {
                    String pile = "fo" + k;
                    int tx = openTx.get(pile);
                    long stopAt = 1_000L * k + 900;
                    SimulatedCharger cp = chargers.get(pile);
                    int kk = k;
                    SimulatedCharger now = callRetrying(cp, survivors, k, c -> {
                        c.meterValues(1, tx, t0.plusSeconds(90), stopAt - 100, 7_000);
                        c.stop(tx, stopAt, t0.plusSeconds(120), "TAG-FO");
                        return c;
                    });
                    log.add(new Session(pile, tx, 1_000L * kk, stopAt));
                    // and one more session after the failover (a charger repeats a transaction message the
                    // server could not handle yet: OCPP 1.6 section 4.7)
                    int[] second = new int[1];
                    now = callRetrying(now, survivors, k, c -> {
                        second[0] = c.start(1, "TAG-FO", stopAt, t0.plusSeconds(200)).transactionId();
                        return c;
                    });
                    int tx2 = second[0];
                    now = callRetrying(now, survivors, k, c -> {
                        c.stop(tx2, stopAt + 2_000, t0.plusSeconds(300), "TAG-FO");
                        return c;
                    });
                    chargers.put(pile, now);
                    log.add(new Session(pile, tx2, stopAt, stopAt + 2_000));
                }
                for (String pile : List.of("fo3", "fo6")) {
                    assertNull(chargers.get(pile).nextServerCall(Duration.ofMillis(500)),
                            pile + ": the queued command arrived exactly once");
                }

                Set<Integer> txIds = new HashSet<>();
                log.forEach(s -> assertTrue(txIds.add(s.transactionId()), "transaction id handed out twice: " + s));
                for (Api operator : List.of(one, two)) {
                    for (int k = 1; k <= CHARGERS; k++) {
                        String pile = "fo" + k;
                        JsonNode live = operator.ok("GET", "/api/chargers/" + pile + "/live", null);
                        assertEquals(0, live.get("activeSessions").size(), pile + ": " + live);
                        Map<Integer, Long> ended = new HashMap<>();
                        for (JsonNode s : live.get("endedSessions")) {
                            assertNull(ended.put(s.get("transactionId").asInt(), s.get("energyWh").asLong()),
                                    pile + ": a session recorded twice: " + live.get("endedSessions"));
                        }
                        for (Session s : log) {
                            if (s.pile().equals(pile)) {
                                assertEquals(s.meterStop() - s.meterStart(), ended.get(s.transactionId()),
                                        pile + " transaction " + s.transactionId() + ": energy = meterStop - meterStart");
                            }
                        }
                        assertEquals(2, ended.size(), pile + ": exactly its two sessions: " + ended);
                    }
                    // the piles' reports reach the batch once its shard is home again (a report sent to the dead
                    // node is sent again until the batch takes it)
                    JsonNode batch = eventually(() -> operator.ok("GET", "/api/batches/" + batchId, null),
                            b -> b.get("done").asBoolean(), Duration.ofSeconds(60));
                    for (JsonNode t : batch.get("targets")) {
                        assertEquals("Accepted", t.path("answer").asText(), "queued command answered: " + t);
                    }
                }
            } finally {
                chargers.values().forEach(SimulatedCharger::abort);
            }
        }
    }

    /**
     * A rolling restart of all three nodes (SIGTERM, each back before the next goes) while chargers run sessions and
     * send meter values: a node that stops closes its chargers' sockets with 1001, they reconnect to another and
     * repeat what was not answered; nothing answered is lost or recorded twice.
     */
    @Test
    void aRollingRestartOfEveryNodeUnderLoadLosesNoAnsweredCall() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(Path.of("target/cluster-rolling/" + System.currentTimeMillis()));
        try (LocalCluster cluster = LocalCluster.start(3, true, null, Path.of("../../conf/cluster.conf"), dir.toFile(),
                Map.of("CHARGEPLANE_ADMIN_PASSWORD", PASSWORD),
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-Dchargeplane.auth.argon2.memory-kib=1024"))) {
            Api one = Api.login(cluster.node(1).http());
            provision(one);
            List<LoadedCharger> load = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int k = 1; k <= 6; k++) {
                LoadedCharger c = new LoadedCharger(k, cluster.nodes());
                load.add(c);
                Thread t = new Thread(c, "charger-" + k);
                threads.add(t);
                t.start();
            }
            Thread.sleep(3_000);
            for (LocalCluster.Node n : cluster.nodes()) {
                cluster.stop(n);
                Thread.sleep(2_000); // the load runs on the other two
                cluster.restart(n);
                Thread.sleep(2_000);
            }
            load.forEach(LoadedCharger::finish);
            for (Thread t : threads) {
                t.join(180_000);
            }
            String[] db = cluster.database();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(db[0], db[1], db[2])) {
                double slowest = 0;
                for (LoadedCharger l : load) {
                    assertNull(l.failure, l.pile + " gave up: " + l.failure);
                    assertTrue(l.stops.size() > 3, l.pile + " ran sessions throughout: " + l.stops.size());
                    assertTrue(l.reconnects > 0, l.pile + " was moved at least once by the restarts");
                    assertEquals(l.starts, l.stops, l.pile + ": every answered start has its answered stop");
                    // no charger rebooted: each session started once and ended once (a boot would close the
                    // open ones, and the late StopTransaction correct them: two ends for one session)
                    assertEquals(l.starts.size(), events(c, l.pile, "SessionStarted"),
                            l.pile + ": each answered start is one session");
                    assertEquals(l.stops.size(), events(c, l.pile, "SessionEnded"),
                            l.pile + ": each answered session ended exactly once");
                    assertTrue(count(c, "SELECT COUNT(*) FROM meter_value WHERE pile_id = '" + l.pile + "'")
                            >= l.meterValues, l.pile + ": every answered meter value is stored");
                    slowest = Math.max(slowest, l.slowestReconnectSeconds);
                }
                Set<Integer> txIds = new HashSet<>();
                load.forEach(l -> l.stops.forEach(tx -> assertTrue(txIds.add(tx), "transaction id twice: " + tx)));
                System.out.printf("rolling restart: %d sessions, slowest reconnect %.1f s%n", txIds.size(), slowest);
            }
        }
    }

    private static long events(java.sql.Connection c, String pile, String type) throws java.sql.SQLException {
        return count(c, "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = 'Pile|" + pile
                + "' AND \"event_ser_manifest\" LIKE '%" + type + "'");
    }

    private static long count(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void provision(Api api) throws Exception {
        api.ok("POST", "/api/stations", STATION);
        api.ok("PUT", "/api/id-tags/TAG-FO", "{\"status\":\"Accepted\"}");
        for (int k = 1; k <= CHARGERS; k++) {
            api.ok("POST", "/api/chargers", "{\"mode\":\"direct\",\"pileId\":\"fo" + k + "\",\"chargerNumber\":\"CN-fo"
                    + k + "\",\"stationId\":\"ST-FO\",\"model\":\"AC22\",\"maxPowerKw\":22,\"connectors\":"
                    + "[{\"connectorId\":1,\"type\":\"Type 2\",\"powerKw\":22}],\"deviceIdentity\":\"FO-" + k + "\"}");
        }
    }

    /**
     * A charger that runs sessions (start, three meter values, stop) until told to finish, and that, like a real
     * one, reconnects to another node when its socket goes and repeats the call that was not answered.
     */
    static final class LoadedCharger implements Runnable {
        final String pile;
        final int k;
        final List<LocalCluster.Node> nodes;
        final List<Integer> starts = new ArrayList<>();
        final List<Integer> stops = new ArrayList<>();
        long meterValues;
        int reconnects;
        double slowestReconnectSeconds;
        volatile Throwable failure;
        private volatile boolean finish;
        private SimulatedCharger cp;
        private int attempt;

        LoadedCharger(int k, List<LocalCluster.Node> nodes) {
            this.pile = "fo" + k;
            this.k = k;
            this.nodes = nodes;
        }

        void finish() {
            finish = true;
        }

        @Override
        public void run() {
            long meter = 0;
            Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            try {
                connect(true);
                while (!finish) {
                    long start = meter;
                    Instant t = at;
                    int tx = call(c -> c.start(1, "TAG-FO", start, t).transactionId());
                    starts.add(tx);
                    for (int i = 0; i < 3; i++) {
                        meter += 100;
                        at = at.plusSeconds(60);
                        long m = meter;
                        Instant mt = at;
                        call(c -> {
                            c.meterValues(1, tx, mt, m, 7_000);
                            return 0;
                        });
                        meterValues++;
                    }
                    long stop = meter;
                    Instant st = at.plusSeconds(30);
                    call(c -> c.stop(tx, stop, st, "TAG-FO"));
                    stops.add(tx);
                    at = at.plusSeconds(60);
                    Thread.sleep(300);
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                if (cp != null) {
                    cp.abort();
                }
            }
        }

        private <T> T call(Function<SimulatedCharger, T> action) throws Exception {
            for (int tries = 1; ; tries++) {
                try {
                    return action.apply(cp);
                } catch (RuntimeException e) {
                    if (tries == 20) {
                        throw new AssertionError(pile + ": a call failed 20 times", e);
                    }
                    cp.abort();
                    long lost = System.nanoTime();
                    connect(false); // a dropped socket is not a reboot: the charger reconnects and goes on
                    reconnects++;
                    slowestReconnectSeconds = Math.max(slowestReconnectSeconds, (System.nanoTime() - lost) / 1e9);
                }
            }
        }

        private void connect(boolean boot) throws Exception {
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            RuntimeException last = null;
            while (System.nanoTime() < until) {
                LocalCluster.Node n = nodes.get((k + attempt++) % nodes.size());
                try {
                    cp = boot ? boot(n.ocpp(), k) : reconnect(n.ocpp(), k);
                    return;
                } catch (RuntimeException e) {
                    last = e;
                    Thread.sleep(500);
                }
            }
            throw new AssertionError(pile + " found no node within 2 minutes", last);
        }
    }

    private static SimulatedCharger reconnect(URI ocpp, int k) {
        SimulatedCharger cp = SimulatedCharger.connect(ocpp, "FO-" + k).withTimeout(Duration.ofSeconds(30));
        cp.onCall("ChangeConfiguration", p -> Map.of("status", "Accepted"));
        return cp;
    }

    private static SimulatedCharger boot(URI ocpp, int k) {
        SimulatedCharger cp = SimulatedCharger.connect(ocpp, "FO-" + k).withTimeout(Duration.ofSeconds(30));
        cp.onCall("ChangeConfiguration", p -> Map.of("status", "Accepted"));
        DataTypes.RegistrationStatus s = cp.boot("Acme", "AC22", "SN-FO-" + k).status();
        if (s != DataTypes.RegistrationStatus.ACCEPTED) {
            cp.abort();
            throw new IllegalStateException("boot " + s);
        }
        cp.status(1, DataTypes.ChargePointStatus.CHARGING);
        return cp;
    }

    /** Connects (alternating over the nodes), boots and runs {@code then}, again from the start on any failure. */
    private static SimulatedCharger retrying(List<LocalCluster.Node> nodes, int k,
                                             Function<SimulatedCharger, SimulatedCharger> then) throws Exception {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        RuntimeException last = null;
        for (int attempt = 0; System.nanoTime() < until; attempt++) {
            SimulatedCharger cp = null;
            try {
                cp = boot(nodes.get((k + attempt) % nodes.size()).ocpp(), k);
                return then.apply(cp);
            } catch (RuntimeException e) {
                last = e;
                if (cp != null) {
                    cp.abort();
                }
                Thread.sleep(1_000);
            }
        }
        throw new AssertionError("charger FO-" + k + " did not get back in within 2 minutes", last);
    }

    /** {@code action} on the charger's connection, or on a new one (retrying) if that fails, as a charger would. */
    private static SimulatedCharger callRetrying(SimulatedCharger cp, List<LocalCluster.Node> nodes, int k,
                                                 Function<SimulatedCharger, SimulatedCharger> action) throws Exception {
        try {
            return action.apply(cp);
        } catch (RuntimeException e) {
            cp.abort();
            return retrying(nodes, k, action);
        }
    }

    private static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode eventually(java.util.concurrent.Callable<JsonNode> read, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        return eventually(read, done, Duration.ofSeconds(20));
    }

    static JsonNode eventually(java.util.concurrent.Callable<JsonNode> read, java.util.function.Predicate<JsonNode> done,
                               Duration atMost) throws Exception {
        JsonNode last = null;
        for (long i = 0, n = atMost.toMillis() / 100; i < n; i++) {
            last = read.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("still " + last);
    }

    /** An operator signed in to one node. */
    record Api(String base, String token) {
        static Api login(String base) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + PASSWORD
                            + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return new Api(base, JSON.readTree(r.body()).get("token").asText());
        }

        JsonNode ok(String method, String path, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() / 100 == 2, method + " " + path + ": " + r.statusCode() + " " + r.body());
            return JSON.readTree(r.body());
        }
    }
}
