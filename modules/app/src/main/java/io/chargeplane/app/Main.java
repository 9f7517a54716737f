package io.chargeplane.app;

import com.typesafe.config.ConfigFactory;

/** Starts one ChargePlane node with {@code application.conf} (or {@code -Dconfig.file=conf/...}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // CompletableFuture callbacks must not get a thread each: on 2 cores the common pool has parallelism 1
        // and CompletableFuture then starts a new thread per async task (Pekko's Java API returns such futures)
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
                System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4"));
        // unresolved: the node derives the journal's driver and profile from the database URL, then resolves
        ChargePlaneNode node = ChargePlaneNode.start(
                ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication()));
        node.system().getWhenTerminated().toCompletableFuture().join();
        node.database().close();
    }
}
