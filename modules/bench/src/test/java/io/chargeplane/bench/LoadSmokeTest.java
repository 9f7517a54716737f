package io.chargeplane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.chargeplane.app.ChargePlaneNode;
import io.chargeplane.simulator.load.LoadGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks' small brother for CI: the real load generator against a running node, asserting
 * correctness only (every call answered, no CALLERROR, no timeout, exactly the rows the run should have
 * produced). Speed is measured by the benchmark runner, never here.
 */
class LoadSmokeTest {
    @TempDir
    static Path dir;
    static ChargePlaneNode node;

    @BeforeAll
    static void start() {
        Map<String, Object> m = new HashMap<>();
        m.put("chargeplane.http.port", 0);
        m.put("chargeplane.ocpp.port", 0);
        m.put("chargeplane.auth.admin.password", "smoke-admin-password");
        m.put("pekko.remote.artery.canonical.port", 0);
        m.put("pekko.management.http.port", 0);
        m.put("chargeplane.db.url", "jdbc:h2:file:" + dir.resolve("chargeplane").toAbsolutePath());
        m.put("chargeplane.db.user", "sa");
        m.put("chargeplane.db.password", "");
        m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        node = ChargePlaneNode.start(ConfigFactory.parseMap(m).withFallback(ConfigFactory.defaultApplication()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Stored sampled values (one row per MeterValue, one array element per sampled value). */
    private static long samples() throws Exception {
        return new io.chargeplane.control.telemetry.TelemetryStore(node.database()).count();
    }

    /** The entities' journal rows: the nodes' connection logs (a row per connect and disconnect) left out. */
    private static long journalRows() throws Exception {
        return rows("\"event_journal\" WHERE \"persistence_id\" NOT LIKE 'ConnectionLog|%'");
    }

    private static long rows(String table) throws Exception {
        try (Connection c = node.database().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Provisioning: the id tag and a station per 500 chargers; per charger its registration saga begun and ended, its
     * number claimed, pile created with its
     * registration applied, device claimed, the station's assignment and the pile's confirmation of it; a first
     * boot: 2 more.
     */
    private static long setUpRows(int chargers) {
        int perStation = io.chargeplane.simulator.load.LoadGenerator.CHARGERS_PER_STATION;
        return 1 + (chargers + perStation - 1) / perStation + 10L * chargers;
    }

    private static JsonNode run(String prefix, int chargers, String... args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("url", "ws://127.0.0.1:" + node.ocppPort() + "/ocpp",
                "api", "http://127.0.0.1:" + node.port(), "prefix", prefix, "chargers", String.valueOf(chargers), "provision", "true",
                "duration", "3", "warmup", "1", "timeout", "20"));
        a.put("password", "smoke-admin-password");
        for (String kv : args) {
            a.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        JsonNode r = LoadGenerator.run(a);
        assertEquals(0, r.get("callErrors").asLong(), r.toString());
        assertEquals(0, r.get("timeouts").asLong(), r.toString());
        assertEquals(chargers, r.get("connected").asInt(), r.toString());
        return r;
    }

    @Test
    void theMessageMixIsAnsweredInFullAndWritesExactlyItsRows() throws Exception {
        long journal0 = journalRows();
        long telemetry0 = samples();
        JsonNode r = run("SMOKE-MIX-", 20, "scenario=mix", "mode=closed");
        assertTrue(r.get("latency").get("all").get("count").asLong() > 0);
        long journal = journalRows() - journal0 - setUpRows(20);
        assertEquals(r.get("statusChanges").asLong(), journal, "one journal row per real status change");
        assertEquals(r.get("samples").asLong(), samples() - telemetry0, "four telemetry samples per MeterValues");
    }

    @Test
    void fullSessionsAreAnsweredInFullAndWriteExactlyTheirRows() throws Exception {
        long journal0 = journalRows();
        long telemetry0 = samples();
        JsonNode r = run("SMOKE-SES-", 10, "scenario=sessions", "mode=closed");
        assertTrue(r.get("sessions").asLong() > 0);
        long journal = journalRows() - journal0 - setUpRows(10);
        assertEquals(2 * r.get("sessions").asLong(), journal, "a session starts and ends: two journal rows");
        assertEquals(r.get("samples").asLong(), samples() - telemetry0);
    }

    @Test
    void anOpenLoopAtAnOfferedRateIsAnsweredInFull() throws Exception {
        JsonNode r = run("SMOKE-OPEN-", 20, "scenario=mix", "mode=open", "rate=200");
        assertTrue(r.get("latency").get("all").get("count").asLong() >= 400, r.toString());
    }

    @Test
    void aReconnectStormOfMoreThanAThousandChargersIsAcceptedInFull() throws Exception {
        // (servers often cap connections at 1,024 by default: beyond it chargers would wait in the backlog)
        JsonNode r = run("SMOKE-STORM-", 1_100, "scenario=storm", "connectConcurrency=300");
        assertEquals(1_100, r.get("accepted").asLong());
    }
}
