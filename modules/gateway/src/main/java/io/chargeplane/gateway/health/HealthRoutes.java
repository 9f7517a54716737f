package io.chargeplane.gateway.health;

import io.chargeplane.control.Control;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Liveness (the process answers) and readiness (member of the cluster and database reachable). */
public final class HealthRoutes extends AllDirectives {
    private final Control control;
    private volatile boolean shuttingDown;

    public HealthRoutes(Control control) {
        this.control = control;
    }

    public void markShuttingDown() {
        shuttingDown = true;
    }

    public Route route() {
        return pathPrefix("health", () -> concat(
                path("live", () -> get(() -> complete(StatusCodes.OK, Map.of("status", "UP"), Jackson.marshaller()))),
                path("ready", () -> get(() -> onSuccess(CompletableFuture.supplyAsync(this::ready, control.blocking()),
                        ready -> complete(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                                Map.of("status", ready ? "READY" : "NOT_READY"), Jackson.marshaller()))))));
    }

    private boolean ready() {
        return !shuttingDown
                && Cluster.get(control.system()).selfMember().status() == MemberStatus.up()
                && control.db().isReachable();
    }
}
