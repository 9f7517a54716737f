package io.chargeplane.gateway.review;

import io.chargeplane.control.Control;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Paging;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/** The approvers' queue: every change waiting for review, oldest first (from the read side). */
public final class ReviewRoutes extends AllDirectives {
    private final Control control;

    public ReviewRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(Endpoint.get("/api/reviews", Permission.APPROVE_CHANGES, c -> parameterOptional("limit", limit -> {
            int n = Paging.limit(limit);
            return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                try {
                    return Map.of("items", control.readQueries().reviews(n));
                } catch (java.sql.SQLException e) {
                    throw new CompletionException(e);
                }
            }, control.blocking()));
        })));
    }
}
