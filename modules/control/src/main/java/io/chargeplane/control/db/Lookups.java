package io.chargeplane.control.db;

import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Reads by key, batched: the keys asked while a query runs go together into the next one ({@link Batcher}), each
 * key once however often it was asked, and every asker gets the value of its own key ({@code absent} for a key the
 * query did not return). A failed query fails every ask of its batch.
 */
public final class Lookups<K, V> {
    /** One query for a set of keys; keys it does not return are absent. */
    @FunctionalInterface
    public interface Query<K, V> {
        Map<K, V> read(Set<K> keys) throws SQLException;
    }

    private record Ask<K, V>(K key, CompletableFuture<V> answer) {
    }

    private final Query<K, V> query;
    private final Function<K, V> absent;
    private final Batcher<Ask<K, V>> batches;

    public Lookups(String name, Executor executor, int maxBatch, int parallelism, Query<K, V> query,
                   Function<K, V> absent) {
        this.query = query;
        this.absent = absent;
        this.batches = new Batcher<>(name, executor, maxBatch, parallelism, this::run);
    }

    public CompletableFuture<V> get(K key) {
        CompletableFuture<V> answer = new CompletableFuture<>();
        batches.submit(new Ask<>(key, answer));
        return answer;
    }

    private void run(List<Ask<K, V>> batch) {
        Set<K> keys = new LinkedHashSet<>();
        batch.forEach(a -> keys.add(a.key()));
        Map<K, V> found;
        try {
            found = query.read(keys);
        } catch (SQLException | RuntimeException e) {
            batch.forEach(a -> a.answer().completeExceptionally(e));
            return;
        }
        for (Ask<K, V> a : batch) {
            V value = found.get(a.key());
            a.answer().complete(value != null ? value : absent.apply(a.key()));
        }
    }
}
