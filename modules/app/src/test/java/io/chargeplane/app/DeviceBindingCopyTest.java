package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.db.Database;
import io.chargeplane.control.device.DeviceBindings;
import io.chargeplane.control.device.DeviceEntity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table copy of device bindings admits a charger without its entity only when the copy reflects the device's
 * last journal event; a copy behind the journal (a lost or late write) sends the handshake to the entity.
 */
class DeviceBindingCopyTest {
    @TempDir
    Path dir;

    private static final Instant BOUND = Instant.parse("2026-11-26T01:00:00.123456Z").truncatedTo(ChronoUnit.MICROS);

    private static void trustRules(TestNodes.Db db) throws Exception {
        ExecutorService blocking = Executors.newFixedThreadPool(2);
        try (Database database = db.open()) {
            DeviceBindings bindings = new DeviceBindings(database, blocking);

            // never seen: a stranger, known without asking its entity
            assertEquals(Optional.of(new DeviceEntity.Binding("NOBODY", null, null, null, null)),
                    read(bindings, "NOBODY"));

            // events in the journal but no copy yet: only the entity can tell
            journal(database, "CP-1", 1);
            journal(database, "CP-1", 2);
            assertEquals(Optional.empty(), read(bindings, "CP-1"));

            // the copy of the last event is trusted as it is
            DeviceEntity.Binding withSecret = new DeviceEntity.Binding("CP-1", "pile-1", null, "d1gest", BOUND);
            bindings.record(withSecret, 2);
            assertEquals(Optional.of(withSecret), awaitCopy(bindings, "CP-1"));

            // a new event (say, a new secret) whose copy was lost: the old copy is no longer trusted
            journal(database, "CP-1", 3);
            assertEquals(Optional.empty(), read(bindings, "CP-1"));

            // the copy of event 3 arrives, then a late copy of event 2: the later event's copy stays
            DeviceEntity.Binding newSecret = new DeviceEntity.Binding("CP-1", "pile-1", "SN-9", "n3wdigest", BOUND);
            bindings.record(newSecret, 3);
            assertEquals(Optional.of(newSecret), awaitCopy(bindings, "CP-1"));
            bindings.record(withSecret, 2);
            bindings.record(new DeviceEntity.Binding("CP-2", null, null, null, null), 0); // a marker written after it
            journal(database, "CP-2", 0);
            awaitCopy(bindings, "CP-2");
            assertEquals(Optional.of(newSecret), read(bindings, "CP-1"));
        } finally {
            blocking.shutdownNow();
        }
    }

    private static Optional<DeviceEntity.Binding> read(DeviceBindings bindings, String identity) throws Exception {
        return bindings.current(identity).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Copies are written behind the entity's back: wait until this one is. */
    private static Optional<DeviceEntity.Binding> awaitCopy(DeviceBindings bindings, String identity) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<DeviceEntity.Binding> copy = read(bindings, identity);
        while (copy.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            copy = read(bindings, identity);
        }
        assertTrue(copy.isPresent(), "the copy of " + identity + " was not written");
        return copy;
    }

    /** A device event in the journal (only its sequence number matters to the copy). */
    private static void journal(Database database, String identity, long seqNr) throws Exception {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement i = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\", "
                     + "\"sequence_number\", \"deleted\", \"writer\", \"write_timestamp\", \"adapter_manifest\", "
                     + "\"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
                     + "VALUES (?, ?, FALSE, 'test', 0, '', ?, 1, 'x')")) {
            i.setString(1, "Device|" + identity);
            i.setLong(2, seqNr);
            i.setBytes(3, new byte[] {1});
            i.executeUpdate();
        }
    }

    @Test
    void aCopyIsTrustedOnlyWhenItReflectsTheLastJournalEventOnPostgres() throws Exception {
        trustRules(TestNodes.postgres());
    }

    @Test
    void aCopyIsTrustedOnlyWhenItReflectsTheLastJournalEventOnH2() throws Exception {
        trustRules(TestNodes.h2(dir));
    }
}
