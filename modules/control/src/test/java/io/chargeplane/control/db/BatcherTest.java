package io.chargeplane.control.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What waits while a batch runs goes together into the next batch, as heavy as allowed; nothing waits for a timer. */
class BatcherTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void itemsThatArriveWhileABatchRunsGoTogetherIntoTheNextUpToTheMaximumWeight() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch allDone = new CountDownLatch(1);
        Batcher<Integer> batcher = new Batcher<>("test", executor, 10, item -> item, 1, batch -> {
            batches.add(List.copyOf(batch));
            if (batches.size() == 1) {
                firstRunning.countDown();
                await(release);
            }
            if (batch.contains(99)) {
                allDone.countDown();
            }
        });

        batcher.submit(1); // a lone item runs at once
        assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
        for (int item : new int[] {4, 3, 3, 5, 12, 2, 99}) {
            batcher.submit(item); // wait while the first batch runs
        }
        release.countDown();
        assertTrue(allDone.await(5, TimeUnit.SECONDS));

        // weights 4+3+3 = 10 fill a batch; 5 alone (5+12 > 10); 12 alone although heavier than the maximum
        assertEquals(List.of(List.of(1), List.of(4, 3, 3), List.of(5), List.of(12), List.of(2), List.of(99)), batches);
    }

    @Test
    void aBatchThatFailsDoesNotStopTheNext() throws Exception {
        CountDownLatch secondRan = new CountDownLatch(1);
        Batcher<String> batcher = new Batcher<>("test", executor, 1, 1, batch -> {
            if (batch.contains("bad")) {
                throw new IllegalStateException("boom");
            }
            secondRan.countDown();
        });
        batcher.submit("bad");
        batcher.submit("good");
        assertTrue(secondRan.await(5, TimeUnit.SECONDS));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
