package io.chargeplane.gateway;

import io.chargeplane.control.Control;
import io.chargeplane.gateway.api.ApiRouter;
import io.chargeplane.gateway.api.ApiRoutes;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.OpenApiDocument;
import io.chargeplane.gateway.audit.AuditRoutes;
import io.chargeplane.gateway.auth.AuthRoutes;
import io.chargeplane.gateway.charger.ChargerRoutes;
import io.chargeplane.gateway.review.ReviewRoutes;
import io.chargeplane.gateway.station.PhotoRoutes;
import io.chargeplane.gateway.station.StationRoutes;
import io.chargeplane.control.metrics.NodeMetrics;
import io.chargeplane.gateway.health.HealthRoutes;
import io.chargeplane.gateway.metrics.MetricsRoutes;
import io.chargeplane.gateway.ocpp.OcppServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The edges of a node: the OCPP-J WebSocket server for chargers (its own port) and the HTTP server for the REST
 * API and health. On shutdown: not ready, charger sockets closed with 1001, then both unbound.
 */
public final class Edges extends AllDirectives {
    private final OcppServer ocpp;
    private final ServerBinding http;
    private final ApiRouter api;

    private Edges(OcppServer ocpp, ServerBinding http, ApiRouter api) {
        this.ocpp = ocpp;
        this.http = http;
        this.api = api;
    }

    public static Edges start(ActorSystem<?> system, Control control, String httpHost, int httpPort)
            throws Exception {
        List<Endpoint> endpoints = new ArrayList<>(new ApiRoutes(control).endpoints());
        endpoints.addAll(new AuthRoutes(control.accounts()).endpoints());
        endpoints.addAll(new StationRoutes(control).endpoints());
        endpoints.addAll(new io.chargeplane.gateway.tariff.TariffRoutes(control).endpoints());
        endpoints.addAll(new io.chargeplane.gateway.order.OrderRoutes(control).endpoints());
        endpoints.addAll(new ChargerRoutes(control).endpoints());
        endpoints.addAll(new PhotoRoutes(control).endpoints());
        endpoints.addAll(new ReviewRoutes(control).endpoints());
        endpoints.addAll(new AuditRoutes(control).endpoints());
        endpoints.addAll(new io.chargeplane.gateway.batch.BatchRoutes(control).endpoints());
        endpoints.addAll(new io.chargeplane.gateway.firmware.FirmwareRoutes(control).endpoints());
        endpoints.addAll(new io.chargeplane.gateway.diagnostics.DiagnosticsRoutes(control).endpoints());
        endpoints.addAll(new io.chargeplane.gateway.feed.FeedRoutes(control.feed()).endpoints());
        endpoints.add(OpenApiDocument.endpoint());
        ApiRouter api = new ApiRouter(endpoints, control.accounts());
        HealthRoutes health = new HealthRoutes(control);
        OcppServer ocpp = OcppServer.start(system, control);
        ServerBinding http;
        try {
            http = Http.get(system).newServerAt(httpHost, httpPort)
                    .bind(new Edges(ocpp, null, api).concat(api.route(), health.route(),
                            new MetricsRoutes(NodeMetrics.get(system)).route()))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            ocpp.unbind();
            throw e;
        }
        CoordinatedShutdown cs = CoordinatedShutdown.get(system);
        cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "close-charger-sockets", () -> {
            health.markShuttingDown();
            return ocpp.closeAll(Duration.ofMillis(500)).thenApply(v -> Done.getInstance());
        });
        cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "ocpp-unbind",
                () -> ocpp.unbind().thenApply(v -> Done.getInstance()));
        cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
                () -> http.unbind().thenApply(d -> Done.getInstance()));
        cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-terminate",
                () -> http.terminate(Duration.ofSeconds(3)).thenApply(t -> Done.getInstance()));
        return new Edges(ocpp, http, api);
    }

    /** The REST API's endpoints, as routed (tests read them: permissions, OpenAPI coverage). */
    public List<Endpoint> endpoints() {
        return api.endpoints();
    }

    public OcppServer ocpp() {
        return ocpp;
    }

    public InetSocketAddress httpAddress() {
        return http.localAddress();
    }
}
