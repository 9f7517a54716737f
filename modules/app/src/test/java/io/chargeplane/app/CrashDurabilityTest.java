package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process is killed with SIGKILL while chargers run full charging sessions, and started again on
 * the same data. What the chargers were answered is the truth: every StartTransaction and StopTransaction that got
 * a CALLRESULT is in the journal, no session the charger stopped comes back as active, and no transaction id is
 * handed out twice across the crash.
 */
class CrashDurabilityTest {
    private static final int CHARGERS = 16;
    private static final String TAG = "CRASH-TAG";
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    @TempDir
    Path dir;

    @Test
    void everyAnsweredSessionCallSurvivesAKillOnH2() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("chargeplane").toAbsolutePath();
        crashAndCheck(new TestNodes.Db(url, "sa", ""));
    }

    @Test
    void everyAnsweredSessionCallSurvivesAKillOnPostgres() throws Exception {
        TestNodes.Db db = TestNodes.postgres();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            assertTrue(rs.getString(1).startsWith("PostgreSQL"), rs.getString(1));
        }
        crashAndCheck(db);
    }

    /** What the chargers were answered, in the charger's own words. */
    private record Answered(Map<Integer, String> starts, Set<Integer> stops) {
        Answered() {
            this(new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet());
        }
    }

    private void crashAndCheck(TestNodes.Db db) throws Exception {
        ServerProcess first = ServerProcess.start(db, dir);
        Rest rest = Rest.at(first.http(), "admin", TestNodes.ADMIN_PASSWORD);
        rest.idTag(TAG, "Accepted");
        for (int i = 0; i < CHARGERS; i++) {
            rest.pileWithDevice("crash-" + i, "CRASH-" + i);
        }
        Answered before = new Answered();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> chargers = new ArrayList<>();
        for (int i = 0; i < CHARGERS; i++) {
            String identity = "CRASH-" + i;
            Thread t = new Thread(() -> runSessions(first.ocpp(), identity, running, before), identity);
            t.start();
            chargers.add(t);
        }
        // until every charger has had sessions answered (and at least a few seconds of them), then SIGKILL
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((before.stops().size() < 5 * CHARGERS || before.starts().size() < 5 * CHARGERS)
                && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        first.kill();
        running.set(false);
        for (Thread t : chargers) {
            t.join(30_000);
        }
        assertTrue(before.stops().size() >= CHARGERS, "sessions ran before the kill: " + before.stops().size());

        ServerProcess second = ServerProcess.start(db, dir);
        Rest again = Rest.at(second.http(), "admin", TestNodes.ADMIN_PASSWORD);
        for (int i = 0; i < CHARGERS; i++) {
            JsonNode pile = again.ok(again.get("/api/chargers/crash-" + i + "/live"));
            for (JsonNode active : pile.get("activeSessions")) {
                int tx = active.get("transactionId").asInt();
                assertTrue(!before.stops().contains(tx), "session " + tx + " was stopped and answered, yet is active again");
            }
        }
        // sessions after the restart: ids never seen before, and their stops are of sessions this server started
        Answered after = new Answered();
        AtomicBoolean once = new AtomicBoolean(false);
        for (int i = 0; i < CHARGERS; i++) {
            runSessions(second.ocpp(), "CRASH-" + i, once, after);
        }
        second.stop();

        Journal journal = Journal.read(db);
        for (Map.Entry<Integer, String> s : before.starts().entrySet()) {
            assertEquals(s.getValue(), journal.started().get(s.getKey()),
                    "answered StartTransaction " + s.getKey() + " of " + s.getValue() + " is in the journal");
        }
        for (int tx : before.stops()) {
            assertEquals("CHARGER", journal.endedBy().get(tx), "answered StopTransaction " + tx + " is in the journal");
        }
        assertEquals(CHARGERS, after.starts().size());
        for (int tx : after.starts().keySet()) {
            assertTrue(!before.starts().containsKey(tx), "transaction id " + tx + " was handed out before the crash");
            assertEquals("CHARGER", journal.endedBy().get(tx));
        }
        assertEquals(Set.of(), journal.unknownStops(), "no stop was of a session this server forgot it started");
        assertEquals(journal.startCount(), journal.started().size(), "every transaction id started once");
    }

    /** Full sessions until {@code running} is false (at least one), logging every answered start and stop. */
    private static void runSessions(URI ocpp, String identity, AtomicBoolean running, Answered log) {
        try (SimulatedCharger cp = SimulatedCharger.connect(ocpp, identity).withTimeout(Duration.ofSeconds(20))) {
            cp.boot("Acme", "AC22", "SN-" + identity);
            long meter = 1_000;
            do {
                cp.authorize(TAG);
                int tx = cp.start(1, TAG, meter, Instant.now()).transactionId();
                log.starts().put(tx, identity);
                cp.meterValues(1, tx, Instant.now(), meter + 100, 7_000);
                meter += 185;
                cp.stop(tx, meter, Instant.now(), TAG);
                log.stops().add(tx);
            } while (running.get());
        } catch (RuntimeException killed) {
            if (!running.get() && log.starts().isEmpty()) {
                throw killed;
            }
            // the server went away mid-call: what was answered before is in the log
        }
    }

    /** The pile events of the journal, read by the test itself from the database once the server is gone. */
    private record Journal(Map<Integer, String> started, Map<Integer, String> endedBy, Set<Integer> unknownStops,
                           int startCount) {
        static Journal read(TestNodes.Db db) throws Exception {
            Map<Integer, String> started = new HashMap<>();
            Map<Integer, String> endedBy = new HashMap<>();
            Set<Integer> unknown = new HashSet<>();
            int starts = 0;
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT \"persistence_id\", \"event_ser_manifest\", \"event_payload\" "
                         + "FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'Pile|%'")) {
                while (rs.next()) {
                    String manifest = rs.getString(2);
                    if (!manifest.contains("Session") && !manifest.contains("UnknownStop")) {
                        continue;
                    }
                    JsonNode e = CBOR.readTree(rs.getBytes(3));
                    int tx = e.path("transactionId").asInt();
                    if (manifest.endsWith("SessionStarted")) {
                        starts++;
                        started.put(tx, identityOf(rs.getString(1)));
                    } else if (manifest.endsWith("SessionEnded")) {
                        endedBy.put(tx, e.get("endedBy").asText());
                    } else if (manifest.endsWith("UnknownStopRecorded")) {
                        unknown.add(tx);
                    }
                }
            }
            return new Journal(started, endedBy, unknown, starts);
        }

        /** Piles of this test are named {@code crash-N} and bound to {@code CRASH-N}. */
        private static String identityOf(String persistenceId) {
            return persistenceId.substring(persistenceId.indexOf('|') + 1).toUpperCase();
        }
    }
}
