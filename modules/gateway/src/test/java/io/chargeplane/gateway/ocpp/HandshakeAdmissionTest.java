package io.chargeplane.gateway.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class HandshakeAdmissionTest {

    @Test
    void runsAtMostTheLimitAtOnceAndTheRestInArrivalOrder() {
        HandshakeAdmission admission = new HandshakeAdmission(2, Duration.ofMinutes(1));
        List<CompletableFuture<String>> lookups = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        List<CompletionStage<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            CompletableFuture<String> lookup = new CompletableFuture<>();
            lookups.add(lookup);
            results.add(admission.submit(() -> {
                started.add(n);
                return lookup;
            }, () -> true));
        }
        assertEquals(List.of(0, 1), started);
        assertEquals(3, admission.waiting());
        lookups.get(1).complete("b");
        assertEquals(List.of(0, 1, 2), started);
        lookups.get(0).complete("a");
        lookups.get(2).completeExceptionally(new IllegalStateException("lookup failed"));
        assertEquals(List.of(0, 1, 2, 3, 4), started);
        assertEquals("b", results.get(1).toCompletableFuture().join());
        assertTrue(results.get(2).toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void skipsAHandshakeWhoseSocketClosedWhileItWaited() {
        HandshakeAdmission admission = new HandshakeAdmission(1, Duration.ofMinutes(1));
        CompletableFuture<String> first = new CompletableFuture<>();
        admission.submit(() -> first, () -> true);
        boolean[] ran = {false};
        CompletionStage<String> gone = admission.submit(() -> {
            ran[0] = true;
            return CompletableFuture.completedFuture("x");
        }, () -> false);
        CompletionStage<String> next = admission.submit(() -> CompletableFuture.completedFuture("next"), () -> true);
        first.complete("first");
        assertFalse(ran[0]);
        assertTrue(gone.toCompletableFuture().isCancelled());
        assertEquals("next", next.toCompletableFuture().join());
    }

    @Test
    void refusesAHandshakeThatWaitedLongerThanAllowed() throws Exception {
        HandshakeAdmission admission = new HandshakeAdmission(1, Duration.ZERO);
        CompletableFuture<String> first = new CompletableFuture<>();
        admission.submit(() -> first, () -> true);
        CompletionStage<String> late = admission.submit(() -> CompletableFuture.completedFuture("late"), () -> true);
        Thread.sleep(5);
        first.complete("first");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> late.toCompletableFuture().get());
        assertTrue(e.getCause() instanceof TimeoutException);
    }

    @Test
    void aLongQueueOfClosedSocketsAndInstantLookupsDrainsWithoutRecursion() {
        HandshakeAdmission admission = new HandshakeAdmission(1, Duration.ofMinutes(1));
        CompletableFuture<String> first = new CompletableFuture<>();
        admission.submit(() -> first, () -> true);
        List<CompletionStage<String>> rest = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            boolean open = i % 2 == 0;
            rest.add(admission.submit(() -> CompletableFuture.completedFuture("ok"), () -> open));
        }
        first.complete("first");
        assertEquals(0, admission.waiting());
        for (int i = 0; i < rest.size(); i++) {
            CompletableFuture<String> f = rest.get(i).toCompletableFuture();
            assertTrue(i % 2 == 0 ? "ok".equals(f.join()) : f.isCancelled());
        }
    }
}
