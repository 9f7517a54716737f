package io.chargeplane.gateway;

import io.chargeplane.control.Control;
import io.chargeplane.gateway.api.ApiRoutes;
import io.chargeplane.gateway.health.HealthRoutes;
import io.chargeplane.gateway.ocpp.OcppEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Binds the HTTP edge of a node: OCPP WebSockets, the REST API and health, on one port. */
public final class HttpEdge extends AllDirectives {
    private final OcppEndpoint ocpp;
    private final ApiRoutes api;
    private final HealthRoutes health;

    public HttpEdge(ActorSystem<?> system, Control control) {
        this.ocpp = new OcppEndpoint(system, control);
        this.api = new ApiRoutes(control);
        this.health = new HealthRoutes(control);
    }

    public Route route() {
        return concat(ocpp.route(), api.route(), health.route());
    }

    public OcppEndpoint ocpp() {
        return ocpp;
    }

    /** Binds and registers the shutdown sequence: not ready, close sockets with 1001, unbind. */
    public CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port) {
        return Http.get(system).newServerAt(host, port).bind(route()).thenApply(binding -> {
            CoordinatedShutdown cs = CoordinatedShutdown.get(system);
            cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "close-charger-sockets", () -> {
                health.markShuttingDown();
                return ocpp.closeAll(Duration.ofMillis(500)).thenApply(v -> Done.getInstance());
            });
            cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
                    () -> binding.unbind().thenApply(d -> Done.getInstance()));
            cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-terminate",
                    () -> binding.terminate(Duration.ofSeconds(3)).thenApply(t -> Done.getInstance()));
            return binding;
        });
    }
}
