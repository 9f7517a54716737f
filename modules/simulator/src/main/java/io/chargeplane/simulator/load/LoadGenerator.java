package io.chargeplane.simulator.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.ocpp.OcppJson;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator: N charger connections from one process and one source address, a scenario, one JSON
 * line of results on stdout. Arguments are {@code key=value}:
 * <pre>
 * url=ws://127.0.0.1:8081/ocpp  api=http://127.0.0.1:8080 user=admin password=... (for provision=true)  prefix=LG-  first=0
 * chargers=1000  local=127.0.0.2
 * scenario=mix|sessions|idle|storm  mode=closed|open  rate=10000 (calls/s, or sessions/s)
 * rebootOnReset=true (idle: a Reset closes the socket after rebootMillis=1000, then connect, boot, status again)
 * perStation=500 (provision: chargers per station)
 * duration=30  warmup=5  meterValuesPerSession=2  timeout=30  provision=true  connectConcurrency=256
 * selfWarmup=4000 (storm: connect + boot + status cycles against an in-process stub first, to warm this JIT)
 * connectAttempts=1  retryMillis=10000 (a connect that failed is tried again after 0.5-1.5 × retryMillis, as a
 *   charger does, up to connectAttempts in all)
 * cycles=1 (storm: connect + boot + status that failed after the connect - socket closed, boot shed, refused or
 *   not answered within timeout - is started again after such a pause, up to cycles in all)
 * </pre>
 * Several processes (each below the 20,000 open-file limit, each from its own 127.0.0.x) make bigger runs.
 */
public final class LoadGenerator {
    /** Chargers the provisioner puts at one station (each station confirms every charger assigned to it). */
    public static final int CHARGERS_PER_STATION = Provisioner.CHARGERS_PER_STATION;

    private final Map<String, String> args;
    private final LatencyBook book = new LatencyBook();
    private final ObjectNode report = OcppJson.MAPPER.createObjectNode();

    private LoadGenerator(Map<String, String> args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        // CompletableFuture callbacks must not get a thread each: on 2 cores the common pool has parallelism 1
        // and CompletableFuture then starts a new thread per async task (Pekko's Java API returns such futures)
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
                System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4"));
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        ObjectNode result = run(args);
        System.out.println(OcppJson.MAPPER.writeValueAsString(result));
        System.exit(0);
    }

    /** Runs one scenario and returns its report (also usable in-process, e.g. from a test). */
    public static ObjectNode run(Map<String, String> args) throws Exception {
        return new LoadGenerator(args).execute();
    }

    private String arg(String k, String dflt) {
        return args.getOrDefault(k, dflt);
    }

    private int intArg(String k, int dflt) {
        return Integer.parseInt(arg(k, String.valueOf(dflt)));
    }

    private ObjectNode execute() throws Exception {
        String url = arg("url", "ws://127.0.0.1:8080/ocpp");
        String prefix = arg("prefix", "LG-");
        int first = intArg("first", 0);
        int n = intArg("chargers", 100);
        String scenario = arg("scenario", "mix");
        String mode = arg("mode", "closed");
        double rate = Double.parseDouble(arg("rate", "1000"));
        int duration = intArg("duration", 10);
        int warmup = intArg("warmup", 2);
        long timeoutNanos = TimeUnit.SECONDS.toNanos(intArg("timeout", 30));
        InetSocketAddress local = args.containsKey("local") ? new InetSocketAddress(arg("local", null), 0) : null;
        List<String> identities = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            identities.add(prefix + i);
        }
        report.put("scenario", scenario).put("mode", mode).put("chargers", n).put("local", arg("local", "default"));

        if (Boolean.parseBoolean(arg("provision", "false"))) {
            long t = System.nanoTime();
            String http = arg("api", null);
            if (http == null) {
                throw new IllegalArgumentException("provision=true needs api=http://host:port (the REST API)");
            }
            Provisioner provisioner = new Provisioner(http);
            provisioner.login(arg("user", "admin"), arg("password", ""));
            long failed = provisioner.provision(identities, Workload.TAG, intArg("provisionConcurrency", 32),
                    intArg("perStation", CHARGERS_PER_STATION));
            report.put("provisionSeconds", seconds(System.nanoTime() - t)).put("provisionFailures", failed)
                    .put("provisionRetries", provisioner.retries());
        }
        if (scenario.equals("provision")) {
            return report;
        }

        NettyWs ws = new NettyWs(intArg("threads", 2));
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();
        List<LoadCharger> chargers = new ArrayList<>();
        try {
            // connect (and, for the storm, boot + status) with bounded concurrency
            boolean storm = scenario.equals("storm");
            int selfWarmup = intArg("selfWarmup", storm ? 4000 : 0);
            if (selfWarmup > 0) {
                warmUpAgainstStub(ws, local, selfWarmup);
            }
            long t0 = System.nanoTime();
            Semaphore permits = new Semaphore(intArg("connectConcurrency", storm ? 2000 : 256));
            ConcurrentLinkedQueue<LoadCharger> connected = new ConcurrentLinkedQueue<>();
            AtomicLong connectFailures = new AtomicLong();
            java.util.concurrent.ConcurrentHashMap<String, Long> failureCauses = new java.util.concurrent.ConcurrentHashMap<>();
            AtomicLong accepted = new AtomicLong();
            AtomicLong lastAccepted = new AtomicLong(t0);
            List<CompletableFuture<?>> all = new ArrayList<>();
            int attempts = intArg("connectAttempts", 1);
            long retryMillis = intArg("retryMillis", 10_000);
            this.bootAttempts = attempts;
            this.retryMillis = retryMillis;
            this.retryTimer = sweeper;
            this.connectRetries = connectRetries;
            int cycles = intArg("cycles", 1);
            // a call without an answer fails after the timeout from the first connect on (the storm's boots too)
            sweeper.scheduleAtFixedRate(() -> connected.forEach(c -> c.expire(System.nanoTime(), timeoutNanos)),
                    1, 1, TimeUnit.SECONDS);
            for (String id : identities) {
                permits.acquire();
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
                // the permit bounds first attempts only: a charger waiting to try again holds none
                Runnable release = () -> {
                    if (released.compareAndSet(false, true)) {
                        permits.release();
                    }
                };
                comeUp(ws, url, id, local, storm, attempts, cycles, connected, f, release);
                all.add(f.handle((ok, e) -> {
                    release.run();
                    if (e != null) {
                        connectFailures.incrementAndGet();
                        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                ? e.getCause() : e;
                        failureCauses.merge(cause.getClass().getSimpleName() + ": " + cause.getMessage(), 1L,
                                Long::sum);
                    } else if (Boolean.TRUE.equals(ok)) {
                        accepted.incrementAndGet();
                        lastAccepted.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            chargers.addAll(connected);
            chargers.sort(java.util.Comparator.comparing(c -> c.identity));
            long connectNanos = System.nanoTime() - t0;
            if (!failureCauses.isEmpty()) {
                ObjectNode causes = report.putObject("connectFailureCauses");
                failureCauses.forEach(causes::put);
            }
            report.put("connected", chargers.size()).put("connectFailures", connectFailures.get())
                    .put("connectRetries", connectRetries.get()).put("bootRetries", bootRetries.get())
                    .put("connectSeconds", seconds(connectNanos))
                    .put("connectsPerSecond", chargers.size() / Math.max(1e-9, seconds(connectNanos)));
            if (storm) {
                if (!cycleFailures.isEmpty()) {
                    ObjectNode causes = report.putObject("cycleFailureCauses");
                    cycleFailures.forEach(causes::put);
                }
                report.put("accepted", accepted.get()).put("cycleRetries", cycleRetries.get())
                        .put("allAcceptedSeconds", seconds(lastAccepted.get() - t0));
                return finish();
            }
            // every charger boots once before anything is measured
            List<CompletableFuture<Boolean>> boots = new ArrayList<>();
            Semaphore bootPermits = new Semaphore(512);
            for (LoadCharger c : chargers) {
                bootPermits.acquire();
                CompletableFuture<Boolean> b = new CompletableFuture<>();
                c.call("BootNotification", Workload.boot(c.identity), answer(b, c.identity + " BootNotification"));
                boots.add(b.whenComplete((x, e) -> bootPermits.release()));
            }
            long bootsAccepted = boots.stream().filter(CompletableFuture::join).count();
            report.put("bootsAccepted", bootsAccepted);
            if (Boolean.parseBoolean(arg("rebootOnReset", "false"))) {
                long delay = intArg("rebootMillis", 1000);
                for (LoadCharger c : chargers) {
                    c.onReset = rc -> rebootLater(ws, url, local, rc, delay);
                }
            }
            // a driving process (the benchmark runner) may act on the connected fleet from here on
            mark("READY " + chargers.size());
            book.reset();

            Workload w = new Workload(chargers, book, intArg("meterValuesPerSession", 2));
            long measureStart;
            switch (scenario + "/" + mode) {
                case "mix/closed", "sessions/closed", "heartbeat/closed" -> {
                    if (scenario.equals("heartbeat")) {
                        w.closedLoopHeartbeats();
                    } else if (scenario.equals("mix")) {
                        w.closedLoopMix();
                    } else {
                        w.closedLoopSessions();
                    }
                    Thread.sleep(warmup * 1000L);
                    book.reset();
                    w.sessionsInWindow.set(0);
                    measureStart = System.nanoTime();
                    mark("MEASURING");
                    Thread.sleep(duration * 1000L);
                    mark("MEASURED");
                    w.running.set(false);
                }
                case "mix/open", "sessions/open" -> {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + duration);
                    Thread warm = new Thread(() -> {
                        sleep(warmup * 1000L);
                        book.reset();
                        w.sessionsInWindow.set(0);
                        mark("MEASURING");
                    });
                    warm.start();
                    measureStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
                    if (scenario.equals("mix")) {
                        w.openLoopMix(rate, until);
                    } else {
                        w.openLoopSessions(rate, until);
                    }
                    mark("MEASURED");
                    w.running.set(false);
                    report.put("offeredPerSecond", rate);
                }
                case "idle/closed", "idle/open" -> {
                    measureStart = System.nanoTime();
                    // hold the connections; heartbeats at the interval the server told (300 s by default)
                    Thread.sleep(duration * 1000L);
                    w.running.set(false);
                }
                default -> throw new IllegalArgumentException("unknown scenario/mode " + scenario + "/" + mode);
            }
            double measured = seconds(System.nanoTime() - measureStart);
            drain(chargers, timeoutNanos);
            long answered = book.answered();
            report.put("measuredSeconds", measured)
                    .put("answersPerSecond", answered / measured)
                    .put("sessionsPerSecond", w.sessionsInWindow.get() / measured)
                    .put("sessions", w.sessions.get())
                    .put("statusChanges", w.statusChanges.get())
                    .put("meterValues", w.meterValues.get())
                    .put("samples", w.meterValues.get() * Workload.SAMPLES_PER_METER_VALUE)
                    .put("sessionsSkippedBusy", w.skippedBusy.get())
                    .put("stillConnected", chargers.stream().filter(c -> !c.closed().isDone()).count())
                    .put("serverCallsAnswered", chargers.stream().mapToLong(c -> c.serverCalls.get()).sum())
                    .put("reboots", reboots.get()).put("rebootsFailed", rebootsFailed.get());
            return finish();
        } finally {
            sweeper.shutdownNow();
            chargers.forEach(LoadCharger::close);
            ws.close();
        }
    }

    /** A line for a driving process (the benchmark runner): the fleet is ready, the measured window starts or ends. */
    private static void mark(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Cycles started again after a failed one (storm), and what failed them. */
    private final AtomicLong cycleRetries = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, Long> cycleFailures =
            new java.util.concurrent.ConcurrentHashMap<>();
    private AtomicLong connectRetries = new AtomicLong();

    /**
     * One charger coming up: connect (tried again while it fails), and for the storm boot + status. A cycle that
     * fails after the connect (the socket closed, a boot refused or not answered in time) closes the socket and
     * starts again after a jittered pause, as a charger does, {@code cycles} times in all; {@code firstDone} runs
     * when the first cycle has ended either way.
     */
    private void comeUp(NettyWs ws, String url, String id, InetSocketAddress local, boolean storm, int attempts,
                        int cycles, ConcurrentLinkedQueue<LoadCharger> connected, CompletableFuture<Boolean> result,
                        Runnable firstDone) {
        connectRetrying(ws, url, id, local, book, attempts, retryMillis, retryTimer, connectRetries)
                .thenCompose(c -> {
                    connected.add(c);
                    if (!storm) {
                        return CompletableFuture.completedFuture(true);
                    }
                    return bootAndStatus(c).thenApply(ok -> {
                        if (!ok) {
                            connected.remove(c);
                            c.close();
                        }
                        return ok;
                    });
                })
                .whenComplete((ok, e) -> {
                    firstDone.run();
                    if (e == null && ok) {
                        result.complete(true);
                    } else if (e != null) {
                        result.completeExceptionally(e); // its connect attempts ran out
                    } else if (cycles <= 1) {
                        result.complete(false);
                    } else {
                        cycleRetries.incrementAndGet();
                        long pause = (long) (retryMillis * (0.5 + java.util.concurrent.ThreadLocalRandom.current()
                                .nextDouble()));
                        retryTimer.schedule(() -> comeUp(ws, url, id, local, storm, attempts, cycles - 1, connected,
                                result, () -> { }), pause, TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** A connect, tried again after a jittered pause while it fails, {@code attempts} times in all. */
    private static CompletableFuture<LoadCharger> connectRetrying(NettyWs ws, String url, String id,
                                                                 java.net.InetSocketAddress local, LatencyBook book,
                                                                 int attempts, long retryMillis,
                                                                 ScheduledExecutorService timer, AtomicLong retries) {
        CompletableFuture<LoadCharger> result = new CompletableFuture<>();
        LoadCharger.connect(ws, url, id, local, book).whenComplete((c, e) -> {
            if (e == null) {
                result.complete(c);
            } else if (attempts <= 1) {
                result.completeExceptionally(e);
            } else {
                retries.incrementAndGet();
                long pause = (long) (retryMillis * (0.5 + java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
                timer.schedule(() -> connectRetrying(ws, url, id, local, book, attempts - 1, retryMillis, timer,
                        retries).whenComplete((c2, e2) -> {
                            if (e2 == null) {
                                result.complete(c2);
                            } else {
                                result.completeExceptionally(e2);
                            }
                        }), pause, TimeUnit.MILLISECONDS);
            }
        });
        return result;
    }

    /**
     * The storm measures a server right after its restart, not this generator's cold JIT: the generator first
     * runs the same connect + boot + status cycle against an in-process instant-answer stub, then closes those
     * sockets. Nothing of it is counted.
     */
    private void warmUpAgainstStub(NettyWs ws, InetSocketAddress local, int n) throws Exception {
        try (StubCsms stub = new StubCsms(0, 1)) {
            String stubUrl = "ws://127.0.0.1:" + stub.port() + "/ocpp";
            Semaphore permits = new Semaphore(1000);
            List<CompletableFuture<LoadCharger>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                permits.acquire();
                CompletableFuture<LoadCharger> f = LoadCharger.connect(ws, stubUrl, "WARMUP-" + i, local, book);
                all.add(f.thenCompose(c -> bootAndStatus(c).thenApply(ok -> c))
                        .whenComplete((c, e) -> permits.release()));
            }
            for (CompletableFuture<LoadCharger> f : all) {
                f.join().close();
            }
        }
        book.reset();
    }

    private final AtomicLong reboots = new AtomicLong();
    private final AtomicLong rebootsFailed = new AtomicLong();

    /**
     * A reboot as a charger does it: {@code delayMillis} after answering Reset it closes its socket, connects again
     * and sends BootNotification and StatusNotification (the boot is what confirms the reboot to the server).
     */
    private void rebootLater(NettyWs ws, String url, InetSocketAddress local, LoadCharger c, long delayMillis) {
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS).execute(() -> {
            c.close();
            c.closed().thenCompose(x -> LoadCharger.connect(ws, url, c.identity, local, book))
                    .thenCompose(next -> {
                        next.onReset = c.onReset;
                        return bootAndStatus(next);
                    })
                    .whenComplete((ok, e) -> (e == null && Boolean.TRUE.equals(ok) ? reboots : rebootsFailed)
                            .incrementAndGet());
        });
    }

    /** Boots a node shed with InternalError (overloaded) that were sent again, as a charger does. */
    private final AtomicLong bootRetries = new AtomicLong();
    /** For the storm: a boot answered InternalError is sent again after a pause, this many times in all. */
    private int bootAttempts = 1;
    private long retryMillis = 10_000;
    private ScheduledExecutorService retryTimer;

    private CompletableFuture<Boolean> bootAndStatus(LoadCharger c) {
        return boot(c, bootAttempts).thenCompose(ok -> {
            CompletableFuture<Boolean> status = new CompletableFuture<>();
            c.call("StatusNotification", Workload.status("Available"),
                    answer(status, c.identity + " StatusNotification"));
            return status.thenApply(s -> ok && s);
        });
    }

    private CompletableFuture<Boolean> boot(LoadCharger c, int attempts) {
        CompletableFuture<Boolean> boot = new CompletableFuture<>();
        LoadCharger.Answer named = answer(boot, c.identity + " BootNotification");
        c.call("BootNotification", Workload.boot(c.identity), new LoadCharger.Answer() {
            @Override
            public void result(com.fasterxml.jackson.databind.JsonNode payload) {
                named.result(payload);
            }

            @Override
            public void error(String code) {
                if (attempts <= 1 || !"InternalError".equals(code) || retryTimer == null) {
                    named.error(code);
                    return;
                }
                bootRetries.incrementAndGet();
                long pause = (long) (retryMillis * (0.5 + java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
                retryTimer.schedule(() -> boot(c, attempts - 1).whenComplete((ok, e) -> {
                    if (e == null) {
                        boot.complete(ok);
                    } else {
                        boot.completeExceptionally(e);
                    }
                }), pause, TimeUnit.MILLISECONDS);
            }
        });
        return boot;
    }

    /** Up to this many answers that were not Accepted are named in the report, to find them in the server's log. */
    private static final int NOT_ACCEPTED_NAMED = 20;
    private final java.util.Queue<String> notAccepted = new ConcurrentLinkedQueue<>();

    private LoadCharger.Answer answer(CompletableFuture<Boolean> f, String what) {
        return new LoadCharger.Answer() {
            @Override
            public void result(com.fasterxml.jackson.databind.JsonNode payload) {
                boolean ok = !payload.has("status") || "Accepted".equals(payload.get("status").asText());
                if (!ok) {
                    name(what, payload.get("status").asText());
                }
                f.complete(ok);
            }

            @Override
            public void error(String code) {
                name(what, "CALLERROR " + code);
                f.complete(false);
            }
        };
    }

    private void name(String what, String outcome) {
        cycleFailures.merge(what.substring(what.indexOf(' ') + 1) + " " + outcome, 1L, Long::sum);
        if (notAccepted.size() < NOT_ACCEPTED_NAMED) {
            notAccepted.add(what + " " + outcome);
        }
    }

    private ObjectNode finish() {
        report.setAll(book.toJson());
        if (!notAccepted.isEmpty()) {
            notAccepted.forEach(report.putArray("notAccepted")::add);
        }
        report.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        return report;
    }

    private static void drain(List<LoadCharger> chargers, long timeoutNanos) {
        long until = System.nanoTime() + timeoutNanos + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < until && chargers.stream().anyMatch(c -> c.outstanding() > 0)) {
            sleep(20);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
