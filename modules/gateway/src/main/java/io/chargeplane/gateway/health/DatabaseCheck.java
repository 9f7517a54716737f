package io.chargeplane.gateway.health;

import io.chargeplane.control.Control;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness: the node has started (entities up, the first administrator there) and its database answers (a node
 * that cannot journal must not get traffic).
 */
public final class DatabaseCheck implements Supplier<CompletionStage<Boolean>> {
    private final NodeHealth health;

    public DatabaseCheck(ActorSystem system) {
        this.health = NodeHealth.get(system);
    }

    @Override
    public CompletionStage<Boolean> get() {
        Control control = health.control();
        if (control == null) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.supplyAsync(() -> control.db().isReachable(), control.blocking());
    }
}
