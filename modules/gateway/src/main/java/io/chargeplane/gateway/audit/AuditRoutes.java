package io.chargeplane.gateway.audit;

import io.chargeplane.control.Control;
import io.chargeplane.control.readside.ReadQueries;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Paging;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/** The audit log of operator writes, newest first, by record or by user. */
public final class AuditRoutes extends AllDirectives {
    private final Control control;

    public AuditRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(Endpoint.get("/api/audit", Permission.READ_AUDIT, c -> parameterOptional("entityType", type ->
                parameterOptional("entityId", id -> parameterOptional("username", user -> parameterOptional("limit", limit ->
                        parameterOptional("after", after -> {
                            int n = Paging.limit(limit);
                            if (after.isPresent() && !after.get().matches("[0-9]{1,19}")) {
                                throw new BadRequest("after", "after must be the id of the last row of the previous page");
                            }
                            ReadQueries.AuditFilter f = new ReadQueries.AuditFilter(type.orElse(null), id.orElse(null),
                                    user.orElse(null));
                            return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                                try {
                                    return control.readQueries().audit(f, n, after.orElse(null));
                                } catch (java.sql.SQLException e) {
                                    throw new CompletionException(e);
                                }
                            }, control.blocking()));
                        })))))));
    }
}
