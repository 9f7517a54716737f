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
        // Netty's leak detector records the stack of one buffer in 128: ~1 % of the node's CPU in the message mix.
        // A leak shows in the tests, which keep it on; -Dio.netty.leakDetection.level=simple turns it back on.
        System.setProperty("io.netty.leakDetection.level",
                System.getProperty("io.netty.leakDetection.level", "disabled"));
        // unresolved: the node derives the journal's driver and profile from the database URL, then resolves
        ChargePlaneNode node = ChargePlaneNode.start(
                ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication()));
        node.system().getWhenTerminated().toCompletableFuture().join();
        node.database().close();
    }
}
