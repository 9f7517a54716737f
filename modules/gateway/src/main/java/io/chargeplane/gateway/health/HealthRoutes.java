package io.chargeplane.gateway.health;

import io.chargeplane.control.Control;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;

/**
 * {@code /health/live} and {@code /health/ready} on the API's port, answering what Pekko Management answers on its
 * own port (the probes of docs/operations.md): the same checks, configured under
 * {@code pekko.management.health-checks} (readiness: member of the cluster Up, database reachable, not shutting
 * down).
 */
public final class HealthRoutes extends AllDirectives {
    private final NodeHealth health;
    private final HealthChecks checks;

    public HealthRoutes(Control control) {
        this.health = NodeHealth.get(Adapter.toClassic(control.system()));
        this.checks = new HealthChecks((ExtendedActorSystem) Adapter.toClassic(control.system()),
                HealthCheckSettings.create(control.system().settings().config()
                        .getConfig("pekko.management.health-checks")));
    }

    public void markShuttingDown() {
        health.markShuttingDown();
    }

    public Route route() {
        return pathPrefix("health", () -> concat(
                path("live", () -> get(() -> answer(checks.aliveResult(), "UP", "DOWN"))),
                path("ready", () -> get(() -> answer(checks.readyResult(), "READY", "NOT_READY")))));
    }

    private Route answer(CompletionStage<CheckResult> result, String up, String down) {
        return onSuccess(result, r -> r.isSuccess()
                ? complete(StatusCodes.OK, Map.of("status", up), Jackson.marshaller())
                : complete(StatusCodes.SERVICE_UNAVAILABLE, Map.of("status", down, "reason", r.failure().orElse("")),
                        Jackson.marshaller()));
    }
}
