package io.chargeplane.control.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each ask gets the value of its own key from the batch's query, or the absent value; a failed query fails all. */
class LookupsTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void everyAskGetsItsOwnKeysValueOrTheAbsentOne() throws Exception {
        Lookups<String, String> lookups = new Lookups<>("test", executor, 100, 1, keys -> {
            Map<String, String> found = new HashMap<>();
            keys.stream().filter(k -> !k.startsWith("x")).forEach(k -> found.put(k, k.toUpperCase()));
            return found;
        }, key -> "none:" + key);
        CompletableFuture<String> a = lookups.get("a");
        CompletableFuture<String> b = lookups.get("b");
        CompletableFuture<String> again = lookups.get("a");
        CompletableFuture<String> missing = lookups.get("x1");
        assertEquals("A", a.get(5, TimeUnit.SECONDS));
        assertEquals("B", b.get(5, TimeUnit.SECONDS));
        assertEquals("A", again.get(5, TimeUnit.SECONDS));
        assertEquals("none:x1", missing.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aFailedQueryFailsEveryAskOfItsBatch() {
        Lookups<String, String> lookups = new Lookups<>("test", executor, 100, 1, keys -> {
            throw new SQLException("database gone");
        }, key -> null);
        CompletableFuture<String> a = lookups.get("a");
        ExecutionException e = assertThrows(ExecutionException.class, () -> a.get(5, TimeUnit.SECONDS));
        assertEquals("database gone", e.getCause().getMessage());
    }
}
