package io.chargeplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.telemetry.TelemetryStore;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.simulator.load.KeepAliveHttp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The benchmark suite. Starts a real PostgreSQL (synchronous_commit on) on this machine, then for each
 * scenario a fresh database, a ChargePlane server process, load-generator processes (each below the
 * open-file limit, each from its own 127.0.0.x), checks that the journal and telemetry hold exactly the rows
 * the run should have produced, measures the generator's own ceiling against an instant-answer stub, and
 * writes everything to docs/benchmarks-history.md.
 *
 * <pre>java -jar modules/bench/target/chargeplane-bench.jar [only=idle,storm,...] [scale=0.1] [db=postgres|h2|both] [out=docs/benchmarks-history.md]</pre>
 */
public final class Bench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The benchmark server's first administrator (a fresh database each run). */
    /**
     * The account the benchmark signs in with: {@code admin}, or in a cluster run on an earlier run's database
     * (clusterDb=) an administrator of this run's own, since the earlier run's password was its own.
     */
    private static String adminUser = "admin";
    private static final String ADMIN_PASSWORD = "bench-" + Long.toHexString(System.nanoTime()) + "-password";
    private final Map<String, String> opts;
    private final double scale;
    private final File logs;
    private final List<Row> rows = new ArrayList<>();
    private EmbeddedPostgres pg;
    private String pgInfo = "";

    /** One line of the results table. */
    record Row(String db, String figure, String goal, String result, String ceiling, String check, String detail) {
    }

    private Bench(Map<String, String> opts) throws Exception {
        this.opts = opts;
        this.scale = Double.parseDouble(opts.getOrDefault("scale", "1"));
        this.logs = Files.createTempDirectory("chargeplane-bench").toFile();
    }

    static String jar() {
        try {
            return new File(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4");
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        new Bench(opts).runAll();
        System.exit(0);
    }

    private int n(int full) {
        return Math.max(10, (int) Math.round(full * scale));
    }

    private boolean wanted(String scenario) {
        String only = opts.get("only");
        return only == null || List.of(only.split(",")).contains(scenario);
    }

    private void runAll() throws Exception {
        String dbs = opts.getOrDefault("db", "postgres");
        if (!dbs.equals("h2")) {
            pg = EmbeddedPostgres.builder()
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "512MB")
                    .start();
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                pgInfo = one(s, "SELECT version()") + "; synchronous_commit=" + one(s, "SHOW synchronous_commit")
                        + ", fsync=" + one(s, "SHOW fsync") + ", shared_buffers=" + one(s, "SHOW shared_buffers");
            }
            log("PostgreSQL: " + pgInfo);
        }
        log("each process's output goes to " + logs);
        try {
            for (String db : dbs.equals("both") ? List.of("postgres", "h2") : List.of(dbs)) {
                if (wanted("idle")) {
                    idle(db);
                }
                if (wanted("storm")) {
                    storm(db);
                }
                if (wanted("mix-closed")) {
                    load(db, "mix-closed", "mix, " + n(1000) + " chargers, closed loop (throughput ceiling)",
                            "≥ 20,000 answers/s", n(1000), 90, Map.of("scenario", "mix", "mode", "closed"));
                }
                if (wanted("mix-open")) {
                    load(db, "mix-open", "mix, open loop at " + n(10000) + " calls/s offered (" + n(10000)
                                    + " chargers × 1/s)", "p99 ≤ 20 ms", n(10000), 60,
                            Map.of("scenario", "mix", "mode", "open", "rate", String.valueOf(n(10000))));
                }
                if (wanted("sessions-closed")) {
                    load(db, "sessions-closed", "full sessions, " + n(500) + " chargers, closed loop",
                            "≥ 1,000 sessions/s", n(500), 30, Map.of("scenario", "sessions", "mode", "closed"));
                }
                if (wanted("sessions-open")) {
                    load(db, "sessions-open", "full sessions, open loop at " + n(300) + " sessions/s offered",
                            "p99 per call ≤ 50 ms", n(3000), 30, Map.of("scenario", "sessions", "mode", "open",
                                    "rate", String.valueOf(n(300))));
                }
                if (wanted("import")) {
                    importCsv(db);
                }
                if (wanted("commands")) {
                    commands(db);
                }
                if (wanted("station-reboot")) {
                    stationReboot(db);
                }
                if (wanted("lists")) {
                    lists(db);
                }
                // not in the default run (100,000 chargers, six nodes: about half an hour): only=cluster-idle
                if ("cluster-idle".equals(opts.get("only")) && db.equals("postgres")) {
                    clusterIdle(db);
                }
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
        writeReport();
    }

    // ---- scenarios ------------------------------------------------------------------------------------

    private static final String CONNECTION_LOG_ROW = "\"persistence_id\" LIKE 'ConnectionLog|%'";

    private void idle(String db) throws Exception {
        int chargers = n(19_800);
        try (Server server = startServer(db, "idle")) {
            provision(server, "IDLE-", chargers);
            long before = server.liveHeapBytes();
            long journal0 = server.journalRows();
            List<Proc> gens = new ArrayList<>();
            int perProcess = 9_950;
            for (int first = 0, k = 2; first < chargers; first += perProcess, k++) {
                int count = Math.min(perProcess, chargers - first);
                gens.add(loadgen("idle-" + k, server.ocpp(), Map.of("prefix", "IDLE-", "first", String.valueOf(first),
                        "chargers", String.valueOf(count), "scenario", "idle", "duration", "60",
                        "local", "127.0.0." + k)));
            }
            for (Proc g : gens) {
                g.await("READY", 600);
            }
            int open = server.openSockets();
            long after = server.liveHeapBytes();
            long journal = server.journalRows() - journal0;
            gens.forEach(Proc::close);
            double perCharger = (after - before) / (double) chargers;
            rows.add(new Row(db, "idle chargers held by one node (heartbeat 300 s)",
                    "~19,900 with ≤ 12 KiB live heap per charger",
                    open + " sockets open, " + String.format("%.1f KiB", perCharger / 1024) + " live heap per charger",
                    "", journal == 2L * chargers ? "OK: " + journal + " journal rows (a first boot writes pile and device)"
                    : "MISMATCH: " + journal + " journal rows for " + chargers + " first boots",
                    "live heap after full GC: " + (before >> 20) + " MiB before, " + (after >> 20) + " MiB with the chargers"));
        }
    }

    /**
     * A reconnect storm is a running fleet coming back: the chargers are provisioned, connect and boot once (their
     * first boot writes pile boot info, device serial and connector status), the node restarts, and all of them
     * reconnect at once with the same boot and status (nothing to write: the figure is connection set-up and the
     * recovery of every pile and device). The first connection is reported beside it, and before the restart the
     * warm node sets up more chargers.
     */
    private void storm(String db) throws Exception {
        int chargers = n(10_000);
        String database = freshDatabase(db, "storm");
        Map<String, String> fleet = Map.of("prefix", "STORM-", "chargers", String.valueOf(chargers),
                "scenario", "storm", "local", "127.0.0.2");
        JsonNode first;
        long firstJournal;
        try (Server server = startServer(db, database)) {
            setUp(db, server, "STORM-", chargers, chargers + " chargers created and bound on a fresh node");
            long journal0 = server.journalRows();
            first = runLoadgen("storm-first-boot", server.ocpp(), fleet);
            firstJournal = server.journalRows() - journal0;
            // operators add chargers to nodes that have been running: on a fresh node the compiler had 30 % of the
            // server's CPU samples during the set-up (thirteenth round's profile)
            int more = n(5_000);
            setUp(db, server, "WARM-", more, more + " more chargers created and bound on the warm node, after "
                    + chargers + " were set up and booted");
        }
        try (Server server = startServer(db, database)) { // right after a restart: every pile recovers now
            long journal0 = server.journalRows();
            long connections0 = server.connectionLogRows();
            JsonNode r = runLoadgen("storm", server.ocpp(), fleet);
            long journal = server.journalRows() - journal0;
            long connections = server.connectionLogRows() - connections0;
            JsonNode ceiling = ceiling(Map.of("prefix", "STORM-", "chargers", String.valueOf(chargers),
                    "scenario", "storm", "local", "127.0.0.3"));
            // every boot must come back Accepted: a bound charger answered Rejected is a failure, not a slow one
            boolean clean = r.get("callErrors").asLong() == 0 && r.get("timeouts").asLong() == 0
                    && r.get("accepted").asLong() == chargers
                    && first.get("callErrors").asLong() == 0 && first.get("timeouts").asLong() == 0
                    && first.get("accepted").asLong() == chargers;
            rows.add(new Row(db, "reconnect storm: " + chargers + " bound chargers boot + status right after a restart",
                    "all accepted ≤ 3 s",
                    r.get("accepted").asLong() + " accepted in " + fmt(r.get("allAcceptedSeconds").asDouble()) + " s",
                    fmt(ceiling.get("allAcceptedSeconds").asDouble()) + " s",
                    check(clean, journal == 0 && firstJournal == 3L * chargers && connections >= chargers, journal
                            + " journal rows (nothing changed; the first boots before the restart wrote "
                            + firstJournal + ": pile, device, status) and " + connections + " in the connection log"
                            + " (a connect per charger, and the disconnects written by then)"),
                    errors(r) + "; BootNotification p50 " + r.at("/latency/BootNotification/p50ms").asDouble()
                            + " ms, max " + r.at("/latency/BootNotification/maxms").asDouble()
                            + " ms; before the restart, the first connection and boot of the provisioned fleet: "
                            + first.get("accepted").asLong() + " accepted in "
                            + fmt(first.get("allAcceptedSeconds").asDouble()) + " s"));
        }
    }

    /** Provisions chargers through the REST API and reports how fast, with the journal rows it should write. */
    private void setUp(String db, Server server, String prefix, int chargers, String what) throws Exception {
        long journal0 = server.journalRows();
        double seconds = provision(server, prefix, chargers);
        long journal = server.journalRows() - journal0;
        // as the CSV import: per charger its registration saga begun and ended, its number claimed, pile created with
        // its registration, device claimed, the station's assignment and the pile's link to it; the id tag and a
        // station per 500 chargers
        long stations = (chargers + io.chargeplane.simulator.load.LoadGenerator.CHARGERS_PER_STATION - 1)
                / io.chargeplane.simulator.load.LoadGenerator.CHARGERS_PER_STATION;
        rows.add(new Row(db, "charger set-up through the REST API: " + what + " (128 requests at a time)",
                "none set (the reference back office: ~300/s)", fmt(chargers / seconds) + " chargers/s", "",
                (journal == 8L * chargers + 1 + stations ? "OK: " : "MISMATCH: ") + journal
                        + " journal rows (per charger: its saga begun and ended, number claim, pile, device claim,"
                        + " station assignment, link to it; and the id tag and " + stations + " stations)",
                "one request per charger (POST /api/chargers, mode direct, naming its device identity), " + fmt(seconds)
                        + " s in all; requests answered 5xx or not at all and sent again: " + lastProvisionRetries
                        + cpu("CPU during the set-up", lastProvisionCpu, " (the provisioning process ends before it is"
                        + " read: ~0.05 core, measured in the fourteenth round)")));
    }

    /**
     * One load scenario. {@code warmupSeconds} is its unmeasured start unless {@code warmup=} says otherwise: the
     * server's compiler works for ~90 s after a start (measured with -XX:+PrintCompilation), so a throughput
     * ceiling measured earlier is the compiler's, not the node's steady state; the open loop needs its fleet's
     * state promoted before it is measured.
     */
    private void load(String db, String name, String figure, String goal, int chargers, int warmupSeconds,
                      Map<String, String> extra) throws Exception {
        String warmup = opts.getOrDefault("warmup", String.valueOf(warmupSeconds));
        // tariff=true: a network tariff (two periods, two tiers) prices every session, one more event each
        boolean tariff = Boolean.parseBoolean(opts.getOrDefault("tariff", "false"));
        try (Server server = startServer(db, name)) {
            provision(server, "LOAD-", chargers);
            if (tariff) {
                publishTariff(server);
            }
            long journal0 = server.journalRows();
            long telemetry0 = server.telemetrySamples();
            Map<String, String> args = new LinkedHashMap<>(extra);
            args.putAll(Map.of("prefix", "LOAD-", "chargers", String.valueOf(chargers), "local", "127.0.0.2",
                    "duration", opts.getOrDefault("duration", "30"), "warmup", warmup));
            Measured measured = runMeasured(name, server.ocpp(), args);
            JsonNode r = measured.result();
            if (tariff) {
                Thread.sleep(3000); // a bill is journaled just after its session's end was answered
            }
            long journal = server.journalRows() - journal0 - 2L * chargers; // a first boot: pile boot info + device serial
            long telemetry = server.telemetrySamples() - telemetry0;
            Map<String, String> stubArgs = new LinkedHashMap<>(args);
            stubArgs.put("local", "127.0.0.3");
            JsonNode c = ceiling(stubArgs);
            boolean sessions = "sessions".equals(extra.get("scenario"));
            long expectedJournal = sessions ? 2 * r.get("sessions").asLong() : r.get("statusChanges").asLong();
            // with a tariff a session's bill rides on its end, or follows it as one more row when the session ended
            // before its tariff was looked up
            boolean journalOk = tariff && sessions ? journal >= expectedJournal
                    && journal <= expectedJournal + r.get("sessions").asLong() : journal == expectedJournal;
            boolean rowsOk = journalOk && telemetry == r.get("samples").asLong();
            boolean clean = r.get("callErrors").asLong() == 0 && r.get("timeouts").asLong() == 0;
            String result = sessions
                    ? fmt(r.get("sessionsPerSecond").asDouble()) + " sessions/s, p99 " + p99(r) + " ms per call"
                    : fmt(r.get("answersPerSecond").asDouble()) + " answers/s, p99 " + p99(r) + " ms";
            String ceilingText = sessions
                    ? fmt(c.get("sessionsPerSecond").asDouble()) + " sessions/s, p99 " + p99(c) + " ms"
                    : fmt(c.get("answersPerSecond").asDouble()) + " answers/s, p99 " + p99(c) + " ms";
            rows.add(new Row(db, figure, goal, result, ceilingText,
                    check(clean, rowsOk, journal + "/" + expectedJournal + " journal rows, " + telemetry + "/"
                            + r.get("samples").asLong() + " telemetry samples"),
                    "p50 " + r.get("latency").get("all").get("p50ms").asText() + " ms, p999 "
                            + r.get("latency").get("all").get("p999ms").asText() + " ms; " + errors(r)
                            + "; measured after " + warmup + " s of warm-up"
                            + cpu("CPU in the window", measured.cpu(), "")));
        }
    }

    private void commands(String db) throws Exception {
        int chargers = n(10_000);
        int commands = Integer.parseInt(opts.getOrDefault("commands", String.valueOf(Math.max(200, n(5_000)))));
        try (Server server = startServer(db, "commands")) {
            provision(server, "CMD-", chargers);
            try (Proc gen = loadgen("commands", server.ocpp(), Map.of("prefix", "CMD-", "chargers",
                    String.valueOf(chargers), "scenario", "idle", "duration", "600", "local", "127.0.0.2"))) {
                gen.await("READY", 600);
                String token = login(server);
                // operators=1,8: each level is measured in turn; one operator sends one command at a time (the
                // round trip itself), several at once saturate the node (its command throughput, and the latency
                // a command sees then)
                List<Integer> levels = new ArrayList<>();
                for (String o : opts.getOrDefault("operators", "1,8").split(",")) {
                    levels.add(Integer.parseInt(o.trim()));
                }
                int busiest = levels.stream().max(Integer::compare).orElse(1);
                // the command path warms up (JIT) like every other scenario before anything is measured: after
                // 15,000 commands (~30 s) the compiler still had a third of the node's CPU in the measured window
                // (fifteenth round); 60,000 (~2 min at eight operators) reach the steady state
                int warmupCommands = Integer.parseInt(opts.getOrDefault("commandWarmup",
                        String.valueOf(Math.max(100, 12 * commands))));
                sendCommands(server, token, chargers, warmupCommands, busiest, new Recorder(3), new AtomicLong());
                for (int concurrency : levels) {
                    if (opts.containsKey("serverJfr")) {
                        jcmd(server, "JFR.start", "name=commands", "settings=profile");
                    }
                    Recorder latency = new Recorder(3);
                    AtomicLong failed = new AtomicLong();
                    CpuShares cpu = CpuShares.now();
                    long t0 = System.nanoTime();
                    sendCommands(server, token, chargers, commands, concurrency, latency, failed);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    String shares = CpuShares.now().since(cpu);
                    if (opts.containsKey("serverJfr")) {
                        jcmd(server, "JFR.stop", "name=commands", "filename=" + opts.get("serverJfr")
                                .replace(".jfr", "-" + concurrency + ".jfr"));
                    }
                    var h = latency.getIntervalHistogram();
                    rows.add(new Row(db, "operator command round trip (REST → charger → REST), " + chargers
                            + " connected, " + (concurrency == 1 ? "one command at a time"
                            : concurrency + " operators at once"),
                            "p99 ≤ 20 ms", "p99 " + h.getValueAtPercentile(99) / 1000.0 + " ms",
                            "", failed.get() == 0 ? "OK: " + commands + " Resets answered" : "FAILED: " + failed.get(),
                            "p50 " + h.getValueAtPercentile(50) / 1000.0 + " ms, max " + h.getMaxValue() / 1000.0
                                    + " ms, " + fmt(commands / seconds) + " commands/s (after " + warmupCommands
                                    + " unmeasured for warm-up)" + cpu("CPU in the window", shares,
                                    " (the operators run in the benchmark's own process)")));
                }
            }
        }
    }

    /**
     * A whole station rebooted by one request: {@code n(1,000)} chargers at one station, each answering Reset and,
     * a second later, closing its socket, connecting again and booting (what confirms a reboot). The figure is the
     * time from the request until every target has its outcome, read by polling the batch as an operator's screen
     * would (every 100 ms). A first round warms the node up unmeasured.
     */
    private void stationReboot(String db) throws Exception {
        int chargers = n(1_000);
        try (Server server = startServer(db, "reboot")) {
            provision(server, "REBOOT-", chargers, chargers);
            try (Proc gen = loadgen("reboot", server.ocpp(), Map.of("prefix", "REBOOT-", "chargers",
                    String.valueOf(chargers), "scenario", "idle", "duration", "1200", "local", "127.0.0.2",
                    "rebootOnReset", "true", "rebootMillis", "1000"))) {
                gen.await("READY", 600);
                String token = login(server);
                String first = null;
                for (int round = 1; round <= 2; round++) {
                    CpuShares cpu = CpuShares.now();
                    long t0 = System.nanoTime();
                    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(server.http()
                                    + "/api/batches")).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"operation\":{\"type\":\"reboot\",\"mode\":\"soft\"},\"stationId\":\"ST-REBOOT-0-0\","
                                            + "\"confirm\":true}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (created.statusCode() != 202 && created.statusCode() != 200) {
                        throw new IllegalStateException("the station reboot was refused: " + created.statusCode() + " "
                                + created.body());
                    }
                    double answeredIn = (System.nanoTime() - t0) / 1e9;
                    String id = OcppJson.MAPPER.readTree(created.body()).get("batchId").asText();
                    JsonNode batch;
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                    do {
                        Thread.sleep(100);
                        batch = OcppJson.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(server.http()
                                        + "/api/batches/" + id)).header("Authorization", "Bearer " + token).build(),
                                HttpResponse.BodyHandlers.ofString()).body());
                    } while (!batch.get("done").asBoolean() && System.nanoTime() < deadline);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    String shares = CpuShares.now().since(cpu);
                    java.time.Instant createdAt = java.time.Instant.parse(batch.get("createdAt").asText());
                    List<Long> doneAfter = new ArrayList<>();
                    for (JsonNode t : batchTargets(server.http(), token, id)) {
                        doneAfter.add(java.time.Duration.between(createdAt,
                                java.time.Instant.parse(t.get("updatedAt").asText())).toMillis());
                    }
                    java.util.Collections.sort(doneAfter);
                    int confirmed = batch.get("counts").path("CONFIRMED").asInt();
                    String counts = batch.get("counts").toString();
                    if (round == 1) {
                        first = fmt(seconds) + " s (" + counts + ")";
                        continue;
                    }
                    rows.add(new Row(db, "whole-station reboot: " + chargers + " chargers of one station, one request,"
                            + " until every target has its outcome", "none set",
                            fmt(seconds) + " s, " + confirmed + " confirmed", "",
                            check(batch.get("done").asBoolean() && confirmed == chargers, true, counts
                                    + " (confirmed = answered Accepted and booted again)"),
                            "each charger reboots 1 s after answering; 202 in " + fmt(answeredIn * 1000)
                                    + " ms; a target's outcome after p50 " + doneAfter.get(doneAfter.size() / 2)
                                    + " ms, p99 " + doneAfter.get(Math.max(0, (int) Math.ceil(doneAfter.size() * 0.99) - 1))
                                    + " ms, last " + doneAfter.get(doneAfter.size() - 1) + " ms; the first (unmeasured)"
                                    + " round " + first + cpu("CPU", shares, "")));
                }
            }
        }
    }

    private static void jcmd(Server server, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("jcmd", String.valueOf(server.proc.pid())));
        cmd.addAll(List.of(args));
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor();
    }

    /** {@code commands} Soft Resets to random piles from {@code concurrency} operators, one at a time each. */
    private static void sendCommands(Server server, String token, int chargers, int commands, int concurrency,
                                     Recorder latency, AtomicLong failed) throws Exception {
        List<Thread> workers = new ArrayList<>();
        AtomicLong left = new AtomicLong(commands);
        for (int w = 0; w < concurrency; w++) {
            workers.add(new Thread(() -> {
                URI base = URI.create(server.http());
                try (KeepAliveHttp http = new KeepAliveHttp(base.getHost(), base.getPort())) {
                    while (left.decrementAndGet() >= 0) {
                        String pile = "CMD-" + ThreadLocalRandom.current().nextInt(chargers);
                        long s = System.nanoTime();
                        try {
                            KeepAliveHttp.Response resp = http.post("/api/chargers/" + pile + "/reset", token,
                                    "{\"type\":\"Soft\"}");
                            latency.recordValue((System.nanoTime() - s) / 1000);
                            if (resp.status() != 200 || !resp.body().contains("\"ANSWERED\"")) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            http.close();
                        }
                    }
                } catch (java.io.IOException e) {
                    failed.incrementAndGet();
                }
            }, "operator-" + w));
        }
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join();
        }
    }

    /**
     * Read-side lists with 100,000 chargers, 10,000 stations and 100,000 id tags: rows written straight into the
     * read-side tables (what the projections would have written), then the list routes called through REST.
     */
    private void lists(String db) throws Exception {
        int chargers = n(100_000);
        int stations = Math.max(10, chargers / 10);
        try (Server server = startServer(db, "lists")) {
            long t = System.nanoTime();
            try (Connection c = java.sql.DriverManager.getConnection(server.url, server.user, server.password)) {
                c.setAutoCommit(false);
                String[] models = {"Wallbox 22", "DC Fast 150", "HPC 350", "AC 11"};
                String[] statuses = {"ACTIVE", "ACTIVE", "ACTIVE", "PENDING_REVIEW", "DRAFT"};
                try (var ps = c.prepareStatement("INSERT INTO station_list (station_id, name, name_lower, city, country, "
                        + "status, latitude, longitude, charger_count, version, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                    for (int i = 0; i < stations; i++) {
                        String name = "Station " + i + (i % 7 == 0 ? " Airport" : " Centre");
                        ps.setString(1, String.format("ST-%06d", i));
                        ps.setString(2, name);
                        ps.setString(3, name.toLowerCase());
                        ps.setString(4, "City " + (i % 200));
                        ps.setString(5, "DE");
                        ps.setString(6, statuses[i % statuses.length]);
                        ps.setDouble(7, 47 + (i % 1000) * 0.007);
                        ps.setDouble(8, 6 + (i / 1000) * 0.09);
                        ps.setInt(9, 10);
                        ps.setLong(10, 1);
                        ps.setTimestamp(11, java.sql.Timestamp.from(Instant.now()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (var ps = c.prepareStatement("INSERT INTO charger_list (pile_id, charger_number, station_id, model, "
                        + "status, max_power_kw, connector_count, connector_types, identity, version, updated_at) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                    for (int i = 0; i < chargers; i++) {
                        ps.setString(1, String.format("P-%07d", i));
                        ps.setString(2, String.format("CN-%07d", i));
                        ps.setString(3, String.format("ST-%06d", i % stations));
                        ps.setString(4, models[i % models.length]);
                        ps.setString(5, statuses[i % statuses.length]);
                        ps.setDouble(6, 22);
                        ps.setInt(7, 2);
                        ps.setString(8, "Type 2");
                        ps.setString(9, String.format("CP-%07d", i));
                        ps.setLong(10, 1);
                        ps.setTimestamp(11, java.sql.Timestamp.from(Instant.now()));
                        ps.addBatch();
                        if (i % 5000 == 4999) {
                            ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
                try (var ps = c.prepareStatement("INSERT INTO id_tag_list (id_tag, status, parent_id_tag, version, updated_at) "
                        + "VALUES (?,?,?,?,?)")) {
                    for (int i = 0; i < chargers; i++) {
                        ps.setString(1, String.format("TAG%07d", i));
                        ps.setString(2, i % 10 == 0 ? "Blocked" : "Accepted");
                        ps.setString(3, String.format("FLEET%04d", i % 1000));
                        ps.setLong(4, 1);
                        ps.setTimestamp(5, java.sql.Timestamp.from(Instant.now()));
                        ps.addBatch();
                        if (i % 5000 == 4999) {
                            ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
                c.commit();
                if (!db.equals("h2")) {
                    try (Statement st = c.createStatement()) {
                        st.execute("ANALYZE");
                    }
                    c.commit();
                }
            }
            log("seeded the read side with " + chargers + " chargers in " + fmt((System.nanoTime() - t) / 1e9) + " s");
            String token = login(server);
            Map<String, java.util.function.IntFunction<String>> queries = new LinkedHashMap<>();
            queries.put("chargers of a station", i -> "/api/chargers?stationId=" + String.format("ST-%06d", i % stations));
            queries.put("chargers by model and status, first page of 50",
                    i -> "/api/chargers?model=HPC%20350&status=ACTIVE&limit=50");
            queries.put("chargers by model, a page deep in the list (keyset)", i -> "/api/chargers?model=AC%2011&limit=50&after="
                    + String.format("P-%07d", (i * 7919) % chargers));
            queries.put("charger number prefix", i -> "/api/chargers?number=" + String.format("CN-%05d", i % (chargers / 100)));
            queries.put("stations in a map box", i -> "/api/stations?bbox=" + (47 + (i % 50) * 0.1) + ",6," + (47.5 + (i % 50) * 0.1) + ",8");
            queries.put("station name search", i -> "/api/stations?q=airport&status=ACTIVE&limit=50");
            queries.put("id tags of a group", i -> "/api/id-tags?parent=" + String.format("FLEET%04d", i % 1000));
            queries.put("audit of one charger", i -> "/api/audit?entityType=charger&entityId=" + String.format("P-%07d", i % chargers));
            for (Map.Entry<String, java.util.function.IntFunction<String>> q : queries.entrySet()) {
                Recorder latency = new Recorder(3);
                int failures = 0;
                for (int i = 0; i < 600; i++) {
                    long st = System.nanoTime();
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.http() + q.getValue().apply(i)))
                            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                    if (i >= 100) { // the first 100 warm the JIT and the caches
                        latency.recordValue((System.nanoTime() - st) / 1000);
                    }
                    if (r.statusCode() != 200) {
                        failures++;
                    }
                }
                var h = latency.getIntervalHistogram();
                rows.add(new Row(db, "list with " + chargers + " chargers: " + q.getKey(), "stays fast",
                        "p50 " + h.getValueAtPercentile(50) / 1000.0 + " ms, p99 " + h.getValueAtPercentile(99) / 1000.0 + " ms",
                        "", failures == 0 ? "OK: 600 answered 200" : "FAILED: " + failures + " not 200",
                        "500 sequential requests after 100 of warm-up, one operator"));
            }
        }
    }

    /**
     * Bulk set-up: chargers, each with its device, registered through the CSV import (files of at most 5,000 rows,
     * the import's limit) on a fresh node, one file after the other.
     */
    private void importCsv(String db) throws Exception {
        int chargers = n(10_000);
        try (Server server = startServer(db, "import")) {
            String token = login(server);
            int stations = Integer.parseInt(opts.getOrDefault("importStations", "1")); // rows spread over them
            for (int k = 0; k < stations; k++) {
                HttpResponse<String> station = HTTP.send(HttpRequest.newBuilder(URI.create(server.http() + "/api/stations"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"direct\",\"name\":\"Depot " + k
                                + "\",\"address\":{\"line1\":\"Main St 1\",\"city\":\"Hamburg\",\"country\":\"DE\"},"
                                + "\"latitude\":53.55,\"longitude\":10.0,\"timeZone\":\"Europe/Berlin\",\"stationId\":\"ST-IMPORT-"
                                + k + "\"}"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (station.statusCode() != 200) {
                    throw new IllegalStateException("station not created: " + station.statusCode() + " " + station.body());
                }
            }
            long journal0 = server.journalRows();
            long saved = 0;
            List<String> problems = new ArrayList<>();
            List<String> files = new ArrayList<>();
            long t = System.nanoTime();
            for (int first = 0; first < chargers; first += 5000) {
                int last = Math.min(chargers, first + 5000);
                StringBuilder csv = new StringBuilder("pileId,chargerNumber,stationId,model,maxPowerKw,connectors,deviceIdentity\n");
                for (int i = first; i < last; i++) {
                    csv.append("IMP-").append(i).append(",CN-IMP-").append(i).append(",ST-IMPORT-").append(i % stations)
                            .append(",Wallbox 22,22,")
                            .append("Type 2:22|Type 2:22,IMPDEV-").append(i).append('\n');
                }
                long f = System.nanoTime();
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.http()
                                + "/api/chargers/import?mode=direct")).timeout(java.time.Duration.ofMinutes(5))
                        .POST(HttpRequest.BodyPublishers.ofString(csv.toString())).header("Content-Type", "text/csv")
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                files.add((last - first) + " rows in " + fmt((System.nanoTime() - f) / 1e9) + " s");
                if (r.statusCode() != 200) {
                    problems.add("file from row " + first + " answered " + r.statusCode());
                    continue;
                }
                JsonNode report = OcppJson.MAPPER.readTree(r.body());
                saved += report.get("saved").asLong();
                if (report.get("failed").asLong() > 0) {
                    problems.add(report.get("failed").asLong() + " rows failed");
                }
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            // a row is answered once its charger is saved; the station's side of the link follows right after
            long journal = server.journalRows() - journal0;
            for (int wait = 0; wait < 60 && journal < 8L * chargers; wait++) {
                Thread.sleep(500);
                journal = server.journalRows() - journal0;
            }
            boolean ok = problems.isEmpty() && saved == chargers && journal == 8L * chargers;
            rows.add(new Row(db, "charger set-up through the CSV import: " + chargers
                    + " chargers with their devices on a fresh node, files of 5,000 rows, " + stations
                    + (stations == 1 ? " station" : " stations"),
                    "none set (the reference back office: ~300/s)", fmt(chargers / seconds) + " chargers/s", "",
                    (ok ? "OK: " : "FAILED: " + String.join("; ", problems) + "; ") + saved + " saved, " + journal
                            + " journal rows (per charger: its saga begun and ended, number claim, pile, device claim,"
                            + " device attached, the station's assignment and the pile's link to it)",
                    String.join(", ", files) + ", " + fmt(seconds) + " s in all"));
        }
    }

    /** A network tariff for the whole run: day and night periods, tiers from 0 and 20 kWh, a service fee. */
    private static void publishTariff(Server server) throws Exception {
        String body = "{\"mode\":\"direct\",\"tariff\":{\"currency\":\"CNY\",\"tierStartsKwh\":[0,20],"
                + "\"periods\":[{\"name\":\"valley\",\"energyPerKwh\":[0.30,0.28],\"servicePerKwh\":0.6},"
                + "{\"name\":\"peak\",\"energyPerKwh\":[1.00,0.95],\"servicePerKwh\":0.8}],"
                + "\"weekdays\":[{\"from\":\"00:00\",\"period\":\"valley\"},{\"from\":\"08:00\",\"period\":\"peak\"},"
                + "{\"from\":\"22:00\",\"period\":\"valley\"}]}}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.http() + "/api/tariffs/network"))
                .header("Authorization", "Bearer " + login(server)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("tariff refused: " + r.statusCode() + " " + r.body());
        }
    }

    private static String login(Server server) throws Exception {
        return login(server.http());
    }

    private static String login(String http) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(http + "/api/auth/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + adminUser + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + r.statusCode() + " " + r.body());
        }
        return OcppJson.MAPPER.readTree(r.body()).get("token").asText();
    }

    /**
     * A fleet too big for one node: {@code n(100,000)} idle chargers (heartbeat 300 s) spread over a cluster of six
     * node processes on this machine (at most ~20,000 sockets per process here), two load generators per node, each
     * from its own loopback address; then one command to every charger, sent through every node in turn (batches of
     * 10,000), and the time until all of them are back after a restart of the whole cluster.
     */
    private void clusterIdle(String db) throws Exception {
        int chargers = n(100_000);
        int nodes = Integer.parseInt(opts.getOrDefault("clusterNodes", "6"));
        int perGen = (chargers + 2 * nodes - 1) / (2 * nodes);
        // clusterDb=<JDBC URL>: the fleet an earlier run imported (its set-up figure is that run's), set up again
        // in no time; the set-up of 100,000 takes ~20 minutes here
        String reuse = opts.get("clusterDb");
        if (reuse != null) {
            adminUser = "bench" + Long.toHexString(System.nanoTime());
        }
        String[] dbArgs = reuse != null ? new String[] {reuse, "postgres", "postgres"}
                : new String[] {pg.getJdbcUrl("postgres", freshDatabase("postgres", "cluster")), "postgres", "postgres"};
        File dir = new File(logs, "cluster");
        dir.mkdirs();
        // the fixed ports (8080.., 25521.., 7626..): below the ephemeral range that 100,000 client sockets use up,
        // where a node started again could find its port taken
        try (LocalCluster cluster = LocalCluster.start(nodes, false, dbArgs, Path.of(opts.getOrDefault("conf",
                        "conf/cluster.conf")), dir, Map.of("CHARGEPLANE_ADMIN_PASSWORD", ADMIN_PASSWORD,
                        "CHARGEPLANE_ADMIN_USERNAME", adminUser),
                // six nodes and twelve generators on two cores: a connect burst delayed the nodes' heartbeats by
                // 7 s, past the failure detector's 3 s pause, and the split-brain resolver downed the whole cluster
                // as unstable; an oversubscribed host needs the longer pause (docs/operations.md, "Cluster")
                List.of("-Xms1g", "-Xmx1500m", "-XX:+UseParallelGC",
                        "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=20s"))) {
            long t = System.nanoTime();
            // a roll-out's set-up: the CSV import (files of 1,000 rows) through three of the nodes at once; more
            // importers only compete for the two cores
            long failures = reuse != null ? 0 : importThroughNodes(cluster, chargers, Math.min(3, nodes));
            double provisionSeconds = (System.nanoTime() - t) / 1e9;
            log("cluster: provisioned " + chargers + " in " + fmt(provisionSeconds) + " s, failures " + failures);
            if (failures != 0) {
                throw new IllegalStateException(failures + " chargers could not be provisioned; see " + logs);
            }
            long[] before = new long[nodes];
            for (int i = 0; i < nodes; i++) {
                before[i] = liveHeap(cluster.nodes().get(i).pid());
            }
            List<Proc> gens = new ArrayList<>();
            try {
                for (int g = 0; g < 2 * nodes; g++) {
                    LocalCluster.Node n = cluster.nodes().get(g % nodes);
                    int first = g * perGen;
                    gens.add(loadgen("cluster-idle-" + g, n.ocpp().toString(), Map.of("prefix", "CL-", "first",
                            String.valueOf(first), "chargers", String.valueOf(Math.min(perGen, chargers - first)),
                            "scenario", "idle", "duration", "3600", "local", "127.0.0." + (g + 2), "connectAttempts",
                            "60", "retryMillis", "10000", "connectConcurrency", "64")));
                }
                long booted = 0;
                for (Proc g : gens) {
                    booted += Long.parseLong(g.await("READY", 1800).substring("READY ".length()));
                }
                double connectSeconds = (System.nanoTime() - t) / 1e9 - provisionSeconds;
                long heapAfter = 0;
                long heapBefore = 0;
                StringBuilder perNode = new StringBuilder();
                for (int i = 0; i < nodes; i++) {
                    LocalCluster.Node n = cluster.nodes().get(i);
                    long after = liveHeap(n.pid());
                    heapAfter += after;
                    heapBefore += before[i];
                    perNode.append(i == 0 ? "" : ", ").append(openSockets(n.pid()));
                }
                double perCharger = (heapAfter - heapBefore) / (double) chargers;
                log("cluster: " + booted + " booted and held after " + fmt(connectSeconds) + " s; sockets per node "
                        + perNode + "; " + String.format("%.1f KiB", perCharger / 1024) + " live heap per charger");
                // one command to every charger, through every node in turn
                long c0 = System.nanoTime();
                List<String> batches = new ArrayList<>();
                List<LocalCluster.Node> via = new ArrayList<>();
                for (int first = 0, b = 0; first < chargers; first += CLUSTER_BATCH, b++) {
                    LocalCluster.Node n = cluster.nodes().get(b % nodes);
                    StringBuilder ids = new StringBuilder();
                    for (int i = first; i < Math.min(chargers, first + CLUSTER_BATCH); i++) {
                        ids.append(i == first ? "\"" : ",\"").append("CL-").append(i).append('"');
                    }
                    String token = login(n.http());
                    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(n.http()
                                    + "/api/batches")).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"operation\":{\"type\":\"clear-cache\"},\"ifOffline\":\"fail\",\"chargers\":["
                                            + ids + "]}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (created.statusCode() / 100 != 2) {
                        throw new IllegalStateException("batch refused: " + created.statusCode() + " " + created.body());
                    }
                    batches.add(OcppJson.MAPPER.readTree(created.body()).get("batchId").asText());
                    via.add(n);
                }
                long answered = 0;
                Map<String, Integer> counts = new java.util.TreeMap<>();
                for (int b = 0; b < batches.size(); b++) {
                    LocalCluster.Node n = cluster.nodes().get((b + 1) % nodes); // read through another node
                    String token = login(n.http());
                    JsonNode batch = null;
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
                    do {
                        Thread.sleep(500);
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(n.http()
                                        + "/api/batches/" + batches.get(b))).header("Authorization", "Bearer " + token)
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            log("cluster: batch " + batches.get(b) + " read through " + n.http() + " answered "
                                    + r.statusCode() + " " + r.body());
                            continue;
                        }
                        batch = OcppJson.MAPPER.readTree(r.body());
                    } while ((batch == null || !batch.get("done").asBoolean()) && System.nanoTime() < deadline);
                    if (batch == null) {
                        throw new IllegalStateException("batch " + batches.get(b) + " could not be read");
                    }
                    batch.get("counts").fields().forEachRemaining(e -> counts.merge(e.getKey(), e.getValue().asInt(),
                            Integer::sum));
                    answered += batch.get("counts").path("ANSWERED").asInt();
                }
                double commandSeconds = (System.nanoTime() - c0) / 1e9;
                log("cluster: " + answered + " answered a clear-cache in " + fmt(commandSeconds) + " s: " + counts);
                rows.add(new Row(db, n(100_000) + " idle chargers (heartbeat 300 s) held by a cluster of " + nodes
                        + " node processes on this machine", "100,000 held, each reachable from any node",
                        booted + " booted and held, " + answered + " answered a command", "",
                        check(booted == chargers && answered == chargers, true, "sockets per node " + perNode
                                + "; command counts " + counts),
                        String.format("%.1f KiB", perCharger / 1024) + " live heap per charger (all nodes, after "
                                + "full GC); " + (reuse != null ? "set up by an earlier run (clusterDb)" : "set-up "
                                + fmt(provisionSeconds) + " s (" + fmt(chargers / provisionSeconds) + "/s through all "
                                + "nodes, CSV import)") + ", all connected and booted in " + fmt(connectSeconds)
                                + " s; a clear-cache to every charger in " + batches.size() + " batches of " + CLUSTER_BATCH + " "
                                + "through the nodes in turn, all answered in " + fmt(commandSeconds) + " s"));
            } finally {
                gens.forEach(Proc::close);
            }
            // a full restart: every node stopped, started again, and the whole fleet comes back at once
            for (LocalCluster.Node n : cluster.nodes()) {
                cluster.stop(n);
            }
            List<Thread> starting = new ArrayList<>();
            List<Exception> startFailures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (LocalCluster.Node n : cluster.nodes()) {
                Thread s = new Thread(() -> {
                    try {
                        cluster.restart(n);
                    } catch (Exception e) {
                        startFailures.add(e);
                    }
                });
                starting.add(s);
                s.start();
            }
            for (Thread s : starting) {
                s.join();
            }
            if (!startFailures.isEmpty()) {
                throw startFailures.get(0);
            }
            List<Proc> storms = new ArrayList<>();
            long s0 = System.nanoTime();
            for (int g = 0; g < 2 * nodes; g++) {
                LocalCluster.Node n = cluster.nodes().get(g % nodes);
                int first = g * perGen;
                storms.add(loadgen("cluster-storm-" + g, n.ocpp().toString(), Map.of("prefix", "CL-", "first",
                        String.valueOf(first), "chargers", String.valueOf(Math.min(perGen, chargers - first)),
                        "scenario", "storm", "local", "127.0.0." + (g + 2), "connectAttempts", "30", "retryMillis",
                        "10000", "cycles", "30", "connectConcurrency", "256")));
            }
            long accepted = 0;
            long retries = 0;
            long shedBoots = 0;
            long cycleRetries = 0;
            Map<String, Long> causes = new java.util.TreeMap<>();
            double slowestGenerator = 0;
            for (Proc p : storms) {
                JsonNode r = OcppJson.MAPPER.readTree(p.await("{", 1800));
                accepted += r.get("accepted").asLong();
                retries += r.get("connectRetries").asLong();
                // a boot shed with InternalError (the node overloaded) was sent again, as a charger does: not lost
                shedBoots += r.get("bootRetries").asLong();
                // a charger whose socket closed or whose boot was refused or not answered came again, as chargers do
                cycleRetries += r.path("cycleRetries").asLong();
                r.path("cycleFailureCauses").fields().forEachRemaining(e -> causes.merge(e.getKey(),
                        e.getValue().asLong(), Long::sum));
                slowestGenerator = Math.max(slowestGenerator, r.get("allAcceptedSeconds").asDouble());
                p.close();
            }
            double stormSeconds = (System.nanoTime() - s0) / 1e9;
            log("cluster: storm " + accepted + " accepted in " + fmt(stormSeconds) + " s; connects retried " + retries
                    + ", boots shed " + shedBoots + ", cycles again " + cycleRetries + " " + causes);
            rows.add(new Row(db, "reconnect of all " + chargers + " chargers after a restart of the whole " + nodes
                    + "-node cluster", "none set", accepted + " accepted in " + fmt(stormSeconds) + " s", "",
                    check(accepted == chargers, true, (chargers - accepted) + " not back"),
                    "from the generators' start (nodes ready, every pile recovering when its charger comes) until "
                            + "the last generator's last boot was accepted; " + (2 * nodes) + " generators, two per node;"
                            + " a charger whose connect failed tried again after 5-15 s, as chargers do: " + retries
                            + " connects tried again, " + shedBoots + " boots shed (InternalError) and sent again, "
                            + cycleRetries + " chargers came again after their socket closed or their boot or status "
                            + "failed (" + causes + ")"));
        }
    }

    /** Every target of a batch, read a page (500) at a time. */
    private static List<JsonNode> batchTargets(String http, String token, String batchId) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String after = null;
        do {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(http + "/api/batches/" + batchId
                    + "?limit=500" + (after == null ? "" : "&after=" + after))).header("Authorization", "Bearer "
                    + token).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("batch " + batchId + ": " + r.statusCode() + " " + r.body());
            }
            JsonNode page = OcppJson.MAPPER.readTree(r.body());
            page.get("targets").forEach(all::add);
            after = page.path("nextTargets").isTextual() ? page.get("nextTargets").asText() : null;
        } while (after != null);
        return all;
    }

    /** Targets per batch in the cluster scenario: an operator's tool splits a fleet into batches like these. */
    private static final int CLUSTER_BATCH = 2_000;

    /**
     * Imports {@code CL-0..chargers-1} (one station per 500, created first) as CSV files of 1,000 rows, the files
     * shared out over the first {@code importers} nodes, one file at a time each. A file the node could not answer
     * is sent again once (rows saved the first time answer as already there). Returns the rows not saved.
     */
    private long importThroughNodes(LocalCluster cluster, int chargers, int importers) throws Exception {
        int perStation = io.chargeplane.simulator.load.LoadGenerator.CHARGERS_PER_STATION;
        String token0 = login(cluster.nodes().get(0).http());
        for (int k = 0; k * perStation < chargers; k++) {
            HttpResponse<String> station = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.nodes().get(0).http()
                            + "/api/stations")).POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"direct\","
                            + "\"name\":\"Cluster depot " + k + "\",\"address\":{\"line1\":\"Main St 1\",\"city\":"
                            + "\"Hamburg\",\"country\":\"DE\"},\"latitude\":53.55,\"longitude\":10.0,\"timeZone\":"
                            + "\"Europe/Berlin\",\"stationId\":\"ST-CL-" + k + "\"}"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token0).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (station.statusCode() != 200 && station.statusCode() != 409) {
                throw new IllegalStateException("station not created: " + station.statusCode() + " " + station.body());
            }
        }
        java.util.concurrent.atomic.AtomicInteger nextFile = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong notSaved = new AtomicLong();
        List<Exception> broken = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int g = 0; g < importers; g++) {
            String http = cluster.nodes().get(g).http();
            Thread importer = new Thread(() -> {
                try {
                    String token = login(http);
                    for (int first = nextFile.getAndAdd(1000); first < chargers; first = nextFile.getAndAdd(1000)) {
                        List<Integer> rows = new ArrayList<>();
                        for (int i = first; i < Math.min(chargers, first + 1000); i++) {
                            rows.add(i);
                        }
                        // rows the node could not save in time (5xx; saving the same row again is harmless) are imported again, as an
                        // operator re-imports the failed rows of a report
                        for (int attempt = 1; !rows.isEmpty(); attempt++) {
                            List<Integer> failed;
                            try {
                                failed = importRows(http, token, rows, perStation);
                            } catch (java.io.IOException e) { // the node closed the connection: as a 503
                                log("cluster: an import through " + http + " failed: " + e);
                                failed = rows;
                            }
                            if (failed.size() == rows.size() && attempt < 5) {
                                Thread.sleep(20_000); // not answered at all: the node may still be at it
                            }
                            if (attempt == 5 || failed.isEmpty()) {
                                notSaved.addAndGet(failed.size());
                                break;
                            }
                            log("cluster: " + failed.size() + " rows from " + first + " through " + http
                                    + " not saved in time; imported again");
                            rows = failed;
                        }
                    }
                } catch (Exception e) {
                    broken.add(e);
                }
            }, "importer-" + g);
            threads.add(importer);
            importer.start();
        }
        for (Thread importer : threads) {
            importer.join();
        }
        if (!broken.isEmpty()) {
            throw broken.get(0);
        }
        return notSaved.get();
    }

    /** Imports {@code CL-i} for each row as one CSV file; returns the rows to try again (answered 5xx). */
    private List<Integer> importRows(String http, String token, List<Integer> rows, int perStation) throws Exception {
        StringBuilder csv = new StringBuilder("pileId,chargerNumber,stationId,model,maxPowerKw,connectors,deviceIdentity\n");
        for (int i : rows) {
            csv.append("CL-").append(i).append(",CL-").append(i).append(",ST-CL-").append(i / perStation)
                    .append(",Load AC,22,Type 2:22,CL-").append(i).append('\n');
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(http + "/api/chargers/import?mode=direct"))
                .timeout(java.time.Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                .header("Content-Type", "text/csv").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            log("cluster: an import through " + http + " answered " + r.statusCode() + " " + r.body());
            return rows;
        }
        List<Integer> again = new ArrayList<>();
        int k = 0;
        for (JsonNode row : OcppJson.MAPPER.readTree(r.body()).get("results")) {
            int status = row.path("status").asInt(0);
            if (!"saved".equals(row.path("outcome").asText()) && status != 409) {
                if (status < 500) {
                    throw new IllegalStateException("import row refused: " + row);
                }
                again.add(rows.get(k));
            }
            k++;
        }
        return again;
    }

    private static long liveHeap(long pid) throws Exception {
        String histogram = run("jcmd", String.valueOf(pid), "GC.class_histogram");
        var m = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(histogram);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the live heap of " + pid);
        }
        return Long.parseLong(m.group(1));
    }

    private static long openSockets(long pid) throws Exception {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }

    // ---- processes ------------------------------------------------------------------------------------

    /** A ChargePlane server process on its own database. */
    final class Server implements AutoCloseable {
        final Proc proc;
        final int port;
        final int ocppPort;
        final String url;
        final String user;
        final String password;

        Server(Proc proc, int port, int ocppPort, String url, String user, String password) {
            this.proc = proc;
            this.port = port;
            this.ocppPort = ocppPort;
            this.url = url;
            this.user = user;
            this.password = password;
        }

        String http() {
            return "http://127.0.0.1:" + port;
        }

        String ocpp() {
            return "ws://127.0.0.1:" + ocppPort + "/ocpp";
        }

        /** Journal rows of the entities, without the connection log (a row per connect and per disconnect). */
        long journalRows() throws Exception {
            return Long.parseLong(query("SELECT COUNT(*) FROM " + journal() + " WHERE NOT (" + CONNECTION_LOG_ROW
                    + ")"));
        }

        /** Rows of the nodes' connection logs, which the event feed reads: one per connect and per disconnect. */
        long connectionLogRows() throws Exception {
            return Long.parseLong(query("SELECT COUNT(*) FROM " + journal() + " WHERE " + CONNECTION_LOG_ROW));
        }

        private String journal() {
            return url.startsWith("jdbc:h2") ? "\"event_journal\"" : "event_journal";
        }

        /** Stored sampled values: one row per MeterValue holds one array element per sampled value. */
        long telemetrySamples() throws Exception {
            return Long.parseLong(query(TelemetryStore.SAMPLES));
        }

        private long count(String table) throws Exception {
            return Long.parseLong(query("SELECT COUNT(*) FROM " + table));
        }

        private String query(String sql) throws Exception {
            try (Connection c = java.sql.DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                return one(s, sql);
            }
        }

        /**
         * Bytes of the objects still reachable (a class histogram of live objects, which collects first). Not
         * {@code GC.heap_info}: under the throughput collector its first "used" is the young generation alone,
         * which after a full collection is nearly empty.
         */
        long liveHeapBytes() throws Exception {
            return liveHeap(proc.pid());
        }

        int openSockets() throws Exception {
            return (int) Bench.openSockets(proc.pid());
        }

        @Override
        public void close() {
            proc.close();
        }
    }

    private Server startServer(String db, String database) throws Exception {
        String url;
        String user;
        String password;
        if (db.equals("postgres")) {
            if (!database.startsWith("cp_")) {
                database = freshDatabase(db, database);
            }
            url = pg.getJdbcUrl("postgres", database);
            user = "postgres";
            password = "postgres";
        } else {
            // AUTO_SERVER lets this runner count rows while the server holds the file
            url = "jdbc:h2:file:" + new File(logs, database).getAbsolutePath() + "/chargeplane;AUTO_SERVER=TRUE";
            user = "sa";
            password = "";
        }
        int port = freePort();
        int ocppPort = freePort();
        Map<String, String> env = new HashMap<>(Map.of("CHARGEPLANE_DB_URL", url, "CHARGEPLANE_DB_USER", user,
                "CHARGEPLANE_DB_PASSWORD", password, "CHARGEPLANE_HTTP_PORT", String.valueOf(port),
                "CHARGEPLANE_OCPP_PORT", String.valueOf(ocppPort), "CHARGEPLANE_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "CHARGEPLANE_REMOTE_PORT", String.valueOf(freePort()),
                "CHARGEPLANE_MANAGEMENT_PORT", String.valueOf(freePort()),
                "CHARGEPLANE_DB_JOURNAL_POOL", "16", "CHARGEPLANE_DB_APP_POOL", "8"));
        if (opts.containsKey("readside")) { // readside=false: measure without the projections
            env.put("CHARGEPLANE_READSIDE", opts.get("readside"));
        }
        if (opts.containsKey("pricing")) { // pricing=false: measure without sessions being priced
            env.put("CHARGEPLANE_PRICING", opts.get("pricing"));
        }
        // the throughput collector, as docs/operations.md advises for a small node: with G1 its concurrent refinement
        // and GC threads took a quarter of the server's CPU under 10,000 chargers sending once a second
        List<String> jvm = new ArrayList<>(List.of("-Xms2g", "-Xmx4g", "-XX:+UseParallelGC"));
        if (opts.containsKey("serverJvm")) { // extra server JVM flags, comma-separated: serverJvm=-Dx=1,-Dy=2
            // (G1 instead: serverJvm=-XX:-UseParallelGC,-XX:+UseG1GC)
            jvm.addAll(List.of(opts.get("serverJvm").split(",")));
        }
        if (opts.containsKey("serverAgent")) { // a native agent with its own comma-separated options, e.g. async-profiler:
            // serverAgent=/path/libasyncProfiler.so=start,event=cpu,timeout=60,file=/tmp/server.collapsed,collapsed
            jvm.add("-agentpath:" + opts.get("serverAgent"));
        }
        if (opts.containsKey("serverJfr")) { // profile the server: serverJfr=/tmp/server.jfr [serverJfrDelay=40s] [serverJfrDuration=20s]
            // each start of a server its own file (the storm restarts its server): /tmp/server.jfr -> /tmp/server-1.jfr
            String file = opts.get("serverJfr").replaceFirst("(\\.jfr)?$", "-" + (serverStarts.get() + 1) + ".jfr");
            jvm.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile,delay="
                    + opts.getOrDefault("serverJfrDelay", "40s") + ",duration=" + opts.getOrDefault("serverJfrDuration", "20s"));
        }
        // a scenario may restart its server (the storm): each start keeps its own log
        Proc p = new Proc("server-" + database + "-" + serverStarts.incrementAndGet(), jvm,
                "io.chargeplane.app.Main", List.of(), env, logs);
        Server s = new Server(p, port, ocppPort, url, user, password);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(s.http() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return s;
                }
            } catch (Exception e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        p.close();
        throw new IllegalStateException("server did not become ready; see " + logs);
    }

    private String freshDatabase(String db, String name) throws Exception {
        if (!db.equals("postgres")) {
            return name;
        }
        String database = "cp_" + name.replaceAll("[^a-z0-9]", "_") + "_" + Long.toHexString(System.nanoTime());
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        return database;
    }

    /** Requests of the last provisioning answered 5xx or not at all and sent again. */
    private long lastProvisionRetries;
    /** How the cores were shared while the last provisioning ran (see {@link CpuShares}). */
    private String lastProvisionCpu = "";

    /** Creates and binds the fleet through the REST API; returns the seconds it took. */
    private double provision(Server server, String prefix, int chargers) throws Exception {
        return provision(server, prefix, chargers, io.chargeplane.simulator.load.LoadGenerator.CHARGERS_PER_STATION);
    }

    private double provision(Server server, String prefix, int chargers, int perStation) throws Exception {
        long t = System.nanoTime();
        CpuShares cpu = CpuShares.now();
        // the load generator provisions through the REST API and exits without connecting anyone
        JsonNode r = runLoadgen("provision-" + prefix, server.ocpp(), Map.of("prefix", prefix, "chargers",
                String.valueOf(chargers), "scenario", "provision", "provision", "true", "provisionConcurrency", "128",
                "api", server.http(), "password", ADMIN_PASSWORD, "perStation", String.valueOf(perStation)));
        log("provisioned " + chargers + " piles in " + fmt((System.nanoTime() - t) / 1e9) + " s: " + r.get("provisionFailures"));
        if (r.get("provisionFailures").asLong() != 0) {
            // an unprovisioned charger would boot Rejected and make every figure after it a false failure
            throw new IllegalStateException(r.get("provisionFailures") + " of " + chargers
                    + " chargers could not be provisioned (after retries); see the generator's log in " + logs);
        }
        lastProvisionRetries = r.path("provisionRetries").asLong();
        lastProvisionCpu = CpuShares.now().since(cpu); // the generator's start and sign-in included
        return r.get("provisionSeconds").asDouble();
    }

    private Proc loadgen(String name, String url, Map<String, String> args) throws Exception {
        List<String> a = new ArrayList<>();
        a.add("url=" + url);
        args.forEach((k, v) -> a.add(k + "=" + v));
        // a cluster run has twelve generators beside six nodes in 23 GiB: each of ~8,300 chargers stays small
        List<String> jvm = new ArrayList<>(List.of(name.startsWith("cluster-") ? "-Xmx768m" : "-Xmx3g",
                "-XX:+UseParallelGC"));
        if ("storm".equals(args.get("scenario"))) {
            // a storm is a burst of a few seconds: the optimising compiler would spend a third of a core on the
            // generator's code while the burst lasts, taken from the server on the same 2 cores; C1 code is ready
            // at once (measured: the generator's own storm 2.0 s against 2.5-3.1 s with both compilers)
            jvm.add("-XX:TieredStopAtLevel=1");
        }
        return new Proc("loadgen-" + name, jvm, "io.chargeplane.simulator.load.LoadGenerator", a, Map.of(), logs);
    }

    private JsonNode runLoadgen(String name, String url, Map<String, String> args) throws Exception {
        try (Proc p = loadgen(name, url, args)) {
            String line = p.await("{", 1800);
            log(name + ": " + line);
            return OcppJson.MAPPER.readTree(line);
        }
    }

    /** A load run's result line and how the cores were shared in its measured window ("" without /proc). */
    private record Measured(JsonNode result, String cpu) {
    }

    /**
     * {@link #runLoadgen} that also reads how the cores were shared in the generator's measured window (between
     * its MEASURING and MEASURED lines).
     */
    private Measured runMeasured(String name, String url, Map<String, String> args) throws Exception {
        try (Proc p = loadgen(name, url, args)) {
            p.await("MEASURING", 1800);
            CpuShares start = CpuShares.now();
            p.await("MEASURED", 1800);
            String cpu = CpuShares.now().since(start);
            String line = p.await("{", 1800);
            log(name + ": " + line + (cpu.isEmpty() ? "" : " (CPU in the window: " + cpu + ")"));
            return new Measured(OcppJson.MAPPER.readTree(line), cpu);
        }
    }

    /** The same load against the instant-answer stub: the generator's own ceiling. */
    private JsonNode ceiling(Map<String, String> args) throws Exception {
        try (Proc stub = new Proc("stub", List.of("-Xmx2g"), "io.chargeplane.simulator.load.StubCsms",
                List.of("0", "1"), Map.of(), logs)) {
            int port = Integer.parseInt(stub.await("STUB-PORT", 60).substring("STUB-PORT ".length()));
            if ("storm".equals(args.get("scenario"))) {
                // a storm against a stub fresh from its start measures the stub's cold JIT (7-8 s here against
                // 2-3 s warm), not the generator's limit: one unmeasured storm first
                runLoadgen("ceiling-warm-up", "ws://127.0.0.1:" + port + "/ocpp", args);
            }
            return runLoadgen("ceiling", "ws://127.0.0.1:" + port + "/ocpp", args);
        }
    }

    // ---- report ---------------------------------------------------------------------------------------

    /** Where the rows of the latest run go in the report; the rest of the file (its summary) is kept as it is. */
    static final String RUN_BEGIN = "<!-- latest run: begin (written by the benchmark runner) -->";
    static final String RUN_END = "<!-- latest run: end -->";

    private void writeReport() throws Exception {
        Path out = Path.of(opts.getOrDefault("out", "docs/benchmarks-history.md"));
        StringBuilder md = new StringBuilder();
        md.append("Produced by `java -jar modules/bench/target/chargeplane-bench.jar")
                .append(opts.isEmpty() ? "" : " " + String.join(" ", opts.entrySet().stream()
                        .filter(e -> !e.getKey().equals("out")).map(e -> e.getKey() + "=" + e.getValue()).toList()))
                .append("` (after `mvn -B -q -DskipTests package`) on ").append(Instant.now()).append(".\n\n");
        md.append("Machine: ").append(machine()).append(". Server, database and load generators all on this machine.\n\n");
        if (!pgInfo.isEmpty()) {
            md.append("PostgreSQL: ").append(pgInfo).append(".\n\n");
        }
        md.append("A figure counts only with zero CALLERRORs and timeouts and with exactly the journal rows and telemetry samples "
                + "the run should have produced (column *check*). *Generator ceiling* is the same load generator, same "
                + "arguments, against an instant-answer stub (Netty, no validation, no state): the load side's own limit.\n\n");
        md.append("| db | figure | goal (one node, 2 cores) | result | generator ceiling | check | detail |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(String.join(" | ", r.db(), r.figure(), r.goal(), r.result(), r.ceiling(), r.check(),
                    r.detail())).append(" |\n");
        }
        String previous = Files.exists(out) ? Files.readString(out) : "";
        Files.writeString(out, withRun(previous, md.toString()));
        log("wrote " + out.toAbsolutePath() + "\n" + md);
    }

    /** The report with {@code run} between the markers, or a new report of the run alone when it has none. */
    static String withRun(String report, String run) {
        int begin = report.indexOf(RUN_BEGIN);
        int end = report.indexOf(RUN_END);
        if (begin < 0 || end < begin) {
            return "# Benchmarks\n\n" + RUN_BEGIN + "\n" + run + RUN_END + "\n";
        }
        return report.substring(0, begin + RUN_BEGIN.length()) + "\n" + run + report.substring(end);
    }

    private static String machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("unknown CPU");
            long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + (memKb >> 20) + " GiB, Java "
                    + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                    + System.getProperty("os.version");
        } catch (Exception e) {
            return "unknown";
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private final java.util.concurrent.atomic.AtomicInteger serverStarts = new java.util.concurrent.atomic.AtomicInteger();

    private static String check(boolean clean, boolean rowsOk, String rowsText) {
        if (!clean) {
            return "FAILED: CALLERRORs, timeouts or answers not Accepted";
        }
        return (rowsOk ? "OK: " : "MISMATCH: ") + rowsText;
    }

    /** "; {label}: {shares}{remark}" for a row's detail, or "" where the shares could not be read. */
    private static String cpu(String label, String shares, String remark) {
        return shares.isEmpty() ? "" : "; " + label + ": " + shares + remark;
    }

    private static String errors(JsonNode r) {
        String all = r.get("callErrors").asLong() + " CALLERRORs, " + r.get("timeouts").asLong() + " timeouts";
        JsonNode inWindow = r.get("callErrorsInWindow");
        // counted from the start, warm-up included: a run that failed only before its window says so
        return inWindow == null || r.get("callErrors").asLong() + r.get("timeouts").asLong() == 0 ? all
                : all + " (in the measured window: " + inWindow.asLong() + " CALLERRORs, "
                        + r.get("timeoutsInWindow").asLong() + " timeouts)";
    }

    private static String p99(JsonNode r) {
        return r.get("latency").get("all").get("p99ms").asText();
    }

    private static String fmt(double d) {
        return d >= 100 ? String.format("%,.0f", d) : String.format("%.2f", d);
    }

    private static String one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void log(String s) {
        System.out.println("[bench " + Instant.now() + "] " + s);
    }

}
