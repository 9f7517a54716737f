package io.chargeplane.gateway.metrics;

import io.chargeplane.control.metrics.NodeMetrics;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text format (version 0.0.4), for a scraper. Outside
 * {@code /api} and without a token, like health: it names no charger and no operator, only counts and timings.
 */
public final class MetricsRoutes extends AllDirectives {
    private final NodeMetrics metrics;

    public MetricsRoutes(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    public Route route() {
        return path("metrics", () -> get(() -> complete(HttpEntities.create(
                MediaTypes.TEXT_PLAIN.toContentType(HttpCharsets.UTF_8), metrics.scrape()))));
    }
}
