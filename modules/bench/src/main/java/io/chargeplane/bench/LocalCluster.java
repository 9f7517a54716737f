package io.chargeplane.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A ChargePlane cluster on this machine: N node processes with {@code conf/cluster.conf} (static seed nodes: the
 * first two), on loopback ports, one PostgreSQL journal (an embedded PostgreSQL started here, or the one
 * {@code CHARGEPLANE_DB_URL} names) and one shared file store. Node i (from 1) serves the API on 8080 + 2(i-1),
 * OCPP on 8081 + 2(i-1), remoting on 25520 + i and Pekko Management on 7625 + i; tests ask for free ports instead.
 * <pre>java -cp modules/bench/target/chargeplane-bench.jar io.chargeplane.bench.LocalCluster [nodes=3]</pre>
 * It stays up until interrupted (Ctrl-C stops the nodes, then the database).
 */
public final class LocalCluster implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One node process and its ports. */
    public static final class Node {
        final int index;
        final int httpPort;
        final int ocppPort;
        final int remotePort;
        final int managementPort;
        Proc proc;
        private int starts;

        Node(int index, int httpPort, int ocppPort, int remotePort, int managementPort) {
            this.index = index;
            this.httpPort = httpPort;
            this.ocppPort = ocppPort;
            this.remotePort = remotePort;
            this.managementPort = managementPort;
        }

        public int index() {
            return index;
        }

        public String http() {
            return "http://127.0.0.1:" + httpPort;
        }

        public URI ocpp() {
            return URI.create("ws://127.0.0.1:" + ocppPort + "/ocpp");
        }

        public String management() {
            return "http://127.0.0.1:" + managementPort;
        }

        /** The node's address in the cluster, as {@code /cluster/members} names it. */
        public String address() {
            return "pekko://ChargePlane@127.0.0.1:" + remotePort;
        }

        public boolean alive() {
            return proc != null && proc.alive();
        }

        public long pid() {
            return proc.pid();
        }
    }

    private final List<Node> nodes;
    private final Map<String, String> env;
    private final List<String> jvm;
    private final Path conf;
    private final File logs;
    private final EmbeddedPostgres pg;

    private LocalCluster(List<Node> nodes, Map<String, String> env, List<String> jvm, Path conf, File logs,
                         EmbeddedPostgres pg) {
        this.nodes = nodes;
        this.env = env;
        this.jvm = jvm;
        this.conf = conf;
        this.logs = logs;
        this.pg = pg;
    }

    /**
     * Starts {@code count} nodes and waits until each is ready. {@code db}: a JDBC URL, user and password, or null
     * for an embedded PostgreSQL of the cluster's own; {@code env} goes to every node after the cluster's settings.
     */
    public static LocalCluster start(int count, boolean freePorts, String[] db, Path conf, File logs,
                                     Map<String, String> extraEnv, List<String> jvm) throws Exception {
        EmbeddedPostgres pg = null;
        if (db == null) {
            pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            db = new String[] {pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"};
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(freePorts ? new Node(i, freePort(), freePort(), freePort(), freePort())
                    : new Node(i, 8080 + 2 * (i - 1), 8081 + 2 * (i - 1), 25520 + i, 7625 + i));
        }
        Map<String, String> env = new HashMap<>(Map.of("CHARGEPLANE_DB_URL", db[0], "CHARGEPLANE_DB_USER", db[1],
                "CHARGEPLANE_DB_PASSWORD", db[2], "CHARGEPLANE_BLOBS_DIR",
                Files.createDirectories(logs.toPath().resolve("shared-files")).toString(),
                "CHARGEPLANE_DB_JOURNAL_POOL", "8", "CHARGEPLANE_DB_APP_POOL", "4"));
        env.putAll(extraEnv);
        LocalCluster cluster = new LocalCluster(nodes, env, jvm, conf, logs, pg);
        try {
            for (Node n : nodes) {
                cluster.launch(n);
            }
            for (Node n : nodes) {
                cluster.awaitReady(n, 120);
            }
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int index) {
        return nodes.get(index - 1);
    }

    /** The JDBC URL, user and password of the cluster's database. */
    public String[] database() {
        return new String[] {env.get("CHARGEPLANE_DB_URL"), env.get("CHARGEPLANE_DB_USER"),
                env.get("CHARGEPLANE_DB_PASSWORD")};
    }

    /** SIGKILL: the node dies holding its sockets and shards, as a crashed machine does. */
    public void kill(Node n) {
        n.proc.kill();
    }

    /** Stops the node gracefully (SIGTERM: coordinated shutdown, chargers closed with 1001, shards handed over). */
    public void stop(Node n) {
        n.proc.close();
    }

    /** Starts a stopped or killed node again on its ports and waits until it is ready. */
    public void restart(Node n) throws Exception {
        launch(n);
        awaitReady(n, 120);
    }

    private void launch(Node n) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        e.put("CHARGEPLANE_HTTP_PORT", String.valueOf(n.httpPort));
        e.put("CHARGEPLANE_OCPP_PORT", String.valueOf(n.ocppPort));
        e.put("CHARGEPLANE_REMOTE_PORT", String.valueOf(n.remotePort));
        e.put("CHARGEPLANE_MANAGEMENT_PORT", String.valueOf(n.managementPort));
        List<String> args = new ArrayList<>(jvm);
        args.add("-Dconfig.file=" + conf.toAbsolutePath());
        // the first two nodes are the seeds (conf/cluster.conf names 25521 and 25522: the same unless ports are free)
        for (int s = 0; s < Math.min(2, nodes.size()); s++) {
            args.add("-Dpekko.cluster.seed-nodes." + s + "=" + nodes.get(s).address());
        }
        n.starts++;
        n.proc = new Proc("node-" + n.index + (n.starts > 1 ? "-" + n.starts : ""), args, "io.chargeplane.app.Main",
                List.of(), e, logs);
    }

    private void awaitReady(Node n, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until && n.proc.alive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(n.management() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("node " + n.index + " did not become ready; see " + logs);
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            if (n.proc != null) {
                n.proc.close();
            }
        }
        if (pg != null) {
            try {
                pg.close();
            } catch (java.io.IOException ignored) {
                // the temporary database goes with the process
            }
        }
    }

    /** Ports handed out in this process: the system may offer a port again once its probe socket is closed. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static int freePort() throws java.io.IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int count = Integer.parseInt(opts.getOrDefault("nodes", "3"));
        String url = System.getenv("CHARGEPLANE_DB_URL");
        String[] db = url == null ? null : new String[] {url, System.getenv().getOrDefault("CHARGEPLANE_DB_USER",
                "chargeplane"), System.getenv().getOrDefault("CHARGEPLANE_DB_PASSWORD", "")};
        File logs = new File(opts.getOrDefault("logs", "data/local-cluster"));
        Files.createDirectories(logs.toPath());
        Path conf = Path.of(opts.getOrDefault("conf", "conf/cluster.conf"));
        if (!Files.exists(conf)) {
            throw new IllegalArgumentException(conf + " not found: run from the project's directory or pass conf=");
        }
        System.out.println("starting " + count + " nodes; their logs go to " + logs.getAbsolutePath());
        LocalCluster cluster = start(count, false, db, conf, logs, Map.of(), List.of("-Xmx1g"));
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        for (Node n : cluster.nodes()) {
            System.out.println("node " + n.index() + ": API " + n.http() + "/api, OCPP " + n.ocpp()
                    + "/{identity}, management " + n.management() + ", cluster " + n.address());
        }
        System.out.println("database " + cluster.database()[0] + "; the first administrator's password is in "
                + "data/initial-admin-password unless CHARGEPLANE_ADMIN_PASSWORD was set. Ctrl-C stops the cluster.");
        Thread.currentThread().join();
    }
}
