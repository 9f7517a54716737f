package io.chargeplane.gateway.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness: the node is not shutting down. From the first phase of its coordinated shutdown a load balancer sends
 * it nothing new, while its chargers are closed with 1001 and reconnect elsewhere.
 */
public final class NotShuttingDownCheck implements Supplier<CompletionStage<Boolean>> {
    private final NodeHealth health;

    public NotShuttingDownCheck(ActorSystem system) {
        this.health = NodeHealth.get(system);
    }

    @Override
    public CompletionStage<Boolean> get() {
        return CompletableFuture.completedFuture(!health.shuttingDown());
    }
}
