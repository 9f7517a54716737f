package io.chargeplane.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Nodes for tests: free ports, a database of the test's own, short timeouts. */
final class TestNodes {
    /** The first administrator of every test node (user name {@code admin}). */
    static final String ADMIN_PASSWORD = "test-admin-password";

    private TestNodes() {
    }

    /** Where a test's database lives; H2 on a file in a temporary directory, or a real PostgreSQL. */
    record Db(String url, String user, String password) {
        /** The application's pool and migrated schema on this database, without a node. */
        io.chargeplane.control.db.Database open() {
            return io.chargeplane.control.db.Database.open(com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of(
                    "chargeplane.db.url", url, "chargeplane.db.user", user, "chargeplane.db.password", password,
                    "chargeplane.db.app-pool-size", 2)));
        }
    }

    static Db h2(Path dir) {
        return new Db("jdbc:h2:file:" + dir.resolve("chargeplane").toAbsolutePath(), "sa", "");
    }

    private static EmbeddedPostgres embedded;

    /**
     * A real PostgreSQL: the one named by CHARGEPLANE_TEST_PG_URL (with _USER and _PASSWORD), else an embedded
     * PostgreSQL server started once for this JVM. Each call gets a fresh database on it.
     */
    static synchronized Db postgres() throws IOException, java.sql.SQLException {
        String url = System.getenv("CHARGEPLANE_TEST_PG_URL");
        String user;
        String password;
        javax.sql.DataSource admin;
        if (url != null && !url.isBlank()) {
            user = System.getenv().getOrDefault("CHARGEPLANE_TEST_PG_USER", "postgres");
            password = System.getenv().getOrDefault("CHARGEPLANE_TEST_PG_PASSWORD", "");
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(user);
            ds.setPassword(password);
            admin = ds;
        } else {
            if (embedded == null) {
                embedded = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        embedded.close();
                    } catch (IOException ignored) {
                        // JVM is exiting
                    }
                }));
            }
            user = "postgres";
            password = "postgres";
            admin = embedded.getPostgresDatabase();
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        String name = "cp_" + Long.toHexString(System.nanoTime());
        try (var c = admin.getConnection(); var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String dbUrl = url.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        return new Db(dbUrl, user, password);
    }

    static Config config(Db db, Map<String, Object> overrides) {
        Map<String, Object> m = new HashMap<>();
        m.put("chargeplane.http.port", 0);
        m.put("chargeplane.ocpp.port", 0);
        m.put("pekko.remote.artery.canonical.port", 0);
        m.put("pekko.management.http.port", 0);
        m.put("chargeplane.db.url", db.url());
        m.put("chargeplane.db.user", db.user());
        m.put("chargeplane.db.password", db.password());
        m.put("chargeplane.db.journal-pool-size", 4);
        m.put("chargeplane.db.app-pool-size", 3);
        m.put("chargeplane.control.command-timeout", "3s");
        m.put("chargeplane.ocpp.max-frame-size", "16KiB");
        m.put("chargeplane.ocpp.hard-frame-limit", "64KiB");
        m.put("chargeplane.ocpp.max-unreadable-frames", 3);
        m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        m.put("chargeplane.auth.admin.password", ADMIN_PASSWORD);
        try {
            m.put("chargeplane.blobs.dir", java.nio.file.Files.createTempDirectory("blobs").toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m.put("chargeplane.auth.argon2.memory-kib", 1024); // the production cost is 19 MiB: slow for many logins
        m.putAll(overrides);
        return ConfigFactory.parseMap(m).withFallback(ConfigFactory.defaultApplication());
    }

    static ChargePlaneNode start(Db db) {
        return ChargePlaneNode.start(config(db, Map.of()));
    }

    static ChargePlaneNode start(Db db, Map<String, Object> overrides) {
        return ChargePlaneNode.start(config(db, overrides));
    }

    /** A node whose time is {@code clock}'s: a test moves it instead of sleeping. */
    static ChargePlaneNode start(Db db, Map<String, Object> overrides, java.time.Clock clock) {
        return ChargePlaneNode.start(config(db, overrides), clock);
    }

    static URI ocpp(ChargePlaneNode node) {
        return URI.create("ws://127.0.0.1:" + node.ocppPort() + "/ocpp");
    }
    /**
     * Journal rows once writes still in flight have landed (a boot also records the serial on the Device
     * entity, which nobody waits for): the count is read until it holds still for 300 ms.
     */
    static long settledJournalRows(ChargePlaneNode node) throws Exception {
        long previous = journalRows(node);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(300);
            long now = journalRows(node);
            if (now == previous) {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the journal keeps growing");
    }

    /** Rows in the event journal: tests use it to prove that something wrote nothing. */
    static long journalRows(ChargePlaneNode node) throws java.sql.SQLException {
        try (var c = node.database().dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until {@code node} sees {@code n} members Up. */
    static void awaitMembers(ChargePlaneNode node, int n) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            long up = 0;
            for (var m : org.apache.pekko.cluster.typed.Cluster.get(node.system()).state().getMembers()) {
                if (m.status() == org.apache.pekko.cluster.MemberStatus.up()) {
                    up++;
                }
            }
            if (up == n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the cluster did not form");
    }
}
