package io.chargeplane.app;

import com.typesafe.config.ConfigFactory;

/** Starts one ChargePlane node with {@code application.conf} (or {@code -Dconfig.file=conf/...}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // unresolved: the node derives the journal's driver and profile from the database URL, then resolves
        ChargePlaneNode node = ChargePlaneNode.start(
                ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication()));
        node.system().getWhenTerminated().toCompletableFuture().join();
        node.database().close();
    }
}
