package io.chargeplane.control.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.db.Database;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class TransactionIdAllocatorTest {

    @Test
    void twoNodesDrawingConcurrentlyFromOneDatabaseNeverHandOutTheSameId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Database db = Database.open(ConfigFactory.parseMap(Map.of(
                "chargeplane.db.url", "jdbc:h2:mem:tx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "chargeplane.db.user", "sa", "chargeplane.db.password", "", "chargeplane.db.app-pool-size", 4)))) {
            TransactionIdAllocator nodeA = new TransactionIdAllocator(db, pool);
            TransactionIdAllocator nodeB = new TransactionIdAllocator(db, pool);
            List<CompletableFuture<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ids.add(nodeA.next().toCompletableFuture());
                ids.add(nodeB.next().toCompletableFuture());
            }
            Set<Integer> seen = new HashSet<>();
            for (CompletableFuture<Integer> f : ids) {
                int id = f.join();
                assertTrue(id > 0, "positive int32");
                assertTrue(seen.add(id), "duplicate id " + id);
            }
            assertEquals(1000, seen.size());
            // a restarted node starts a fresh block: never an id that was handed out before
            TransactionIdAllocator restarted = new TransactionIdAllocator(db, pool);
            int fresh = restarted.next().toCompletableFuture().join();
            assertTrue(seen.stream().allMatch(id -> id < fresh));
        } finally {
            pool.shutdownNow();
        }
    }
}
