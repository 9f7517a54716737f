package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process is killed while operators create chargers, and started again on the same data. Every
 * registration a crash interrupted finishes after the restart: the journal holds no saga begun and not ended, and
 * the number and device of a charger that was not created are free at once, not after the orphan-claim grace.
 */
class RegistrationCrashTest {
    private static final int OPERATORS = 16;

    @TempDir
    Path dir;

    @Test
    void registrationsInterruptedByAKillFinishAfterTheRestart() throws Exception {
        TestNodes.Db db = new TestNodes.Db("jdbc:h2:file:" + dir.resolve("chargeplane").toAbsolutePath(), "sa", "");
        ServerProcess first = ServerProcess.start(db, dir);
        Rest rest = Rest.at(first.http(), "admin", TestNodes.ADMIN_PASSWORD);
        rest.testStation();
        Set<String> created = ConcurrentHashMap.newKeySet();
        Set<String> asked = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> operators = new ArrayList<>();
        for (int o = 0; o < OPERATORS; o++) {
            int operator = o;
            Thread t = new Thread(() -> {
                for (int n = 0; running.get(); n++) {
                    String pile = "rc-" + operator + "-" + n;
                    asked.add(pile);
                    try {
                        Rest.Reply r = rest.post("/api/chargers", Rest.chargerBody("direct", pile, "DEV-" + pile));
                        if (r.status() == 200) {
                            created.add(pile);
                        }
                    } catch (RuntimeException e) {
                        return; // the server is gone
                    }
                }
            });
            t.start();
            operators.add(t);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (created.size() < 40 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        first.kill();
        running.set(false);
        for (Thread t : operators) {
            t.join(30_000);
        }
        assertTrue(created.size() >= 8, "chargers were created before the kill: " + created.size());
        long interrupted = openSagas(db); // the file is free between the two processes

        ServerProcess second = ServerProcess.start(db, dir);
        Rest again = Rest.at(second.http(), "admin", TestNodes.ADMIN_PASSWORD);
        for (String pile : created) {
            again.ok(again.get("/api/chargers/" + pile)); // every answered creation is there
        }
        // a charger that was not created leaves its number and device to the next one asking
        for (String pile : asked) {
            if (again.get("/api/chargers/" + pile).status() == 404) {
                String body = Rest.chargerBody("direct", "again-" + pile, "DEV-" + pile)
                        .replace("CN-again-" + pile, "CN-" + pile);
                Rest.Reply r = again.post("/api/chargers", body);
                for (int i = 0; i < 100 && r.status() == 409; i++) {
                    Thread.sleep(100); // the interrupted saga finishes in the background right after the start
                    r = again.post("/api/chargers", body);
                }
                assertEquals(200, r.status(), pile + ": " + r.body());
            }
        }
        // the woken sagas finish in the background: each says so in the log
        for (int i = 0; i < 200 && count(java.nio.file.Files.readString(second.log()), "finished after a restart") < interrupted; i++) {
            Thread.sleep(100);
        }
        second.stop();
        assertEquals(0, openSagas(db), "every saga begun before the kill (" + interrupted + ") has ended");
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    /** Sagas with only their first event (begun, not ended) in the journal. */
    private static long openSagas(TestNodes.Db db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM (SELECT \"persistence_id\" FROM "
                     + "\"event_journal\" WHERE \"persistence_id\" LIKE 'ChargerRegistration|%' "
                     + "GROUP BY \"persistence_id\" HAVING MAX(\"sequence_number\") = 1) open_sagas");
             ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
