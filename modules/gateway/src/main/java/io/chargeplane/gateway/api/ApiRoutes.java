package io.chargeplane.gateway.api;

import static io.chargeplane.gateway.api.Replies.body;
import static io.chargeplane.gateway.api.Replies.reply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.control.Control;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.CommandResult;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.PileView;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.rules.CommandRules;
import io.chargeplane.control.idtag.IdTagEntity;
import io.chargeplane.control.readside.ReadQueries;
import io.chargeplane.control.unbound.UnboundIdentities;
import io.chargeplane.gateway.api.dto.ChargerLive;
import io.chargeplane.gateway.api.dto.CommandOutcome;
import io.chargeplane.gateway.auth.Permission;
import io.chargeplane.ocpp.Direction;
import io.chargeplane.ocpp.OcppAction;
import io.chargeplane.ocpp.Violation;
import io.chargeplane.ocpp.v16.Ocpp16;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/**
 * A charger's live side in the REST API (its registration is {@code ChargerRoutes}, the one way a charger is
 * created and bound): its live state, RemoteStart / RemoteStop / Reset (or any server-to-charger action), its meter
 * samples; id tags; identities seen but not bound. Errors are {@code application/problem+json} naming the field (see {@link Replies}).
 */
public final class ApiRoutes extends AllDirectives {
    private final Control control;
    private final Duration askTimeout;
    private final Duration commandAskTimeout;

    public ApiRoutes(Control control) {
        this.control = control;
        this.askTimeout = Duration.ofSeconds(10);
        this.commandAskTimeout = control.settings().commandTimeout().plusSeconds(2);
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/chargers/{pileId}/live", Permission.READ, c -> reply(() -> pileView(c.param("pileId")))),
                Endpoint.post("/api/chargers/{pileId}/commands", Permission.SEND_RAW_CALLS, c -> body(b -> command(
                        c, b, rawCall(Json.text(b, "action", true, 40), payloadOf(b.get("payload"), "payload"), "")))),
                Endpoint.get("/api/chargers/{pileId}/commands/{commandId}", Permission.READ,
                        c -> reply(() -> commandRecord(c.param("pileId"), c.param("commandId")))),
                Endpoint.post("/api/chargers/{pileId}/remote-start", Permission.SEND_COMMANDS,
                        c -> body(b -> remoteStart(c, b))),
                Endpoint.post("/api/chargers/{pileId}/remote-stop", Permission.SEND_COMMANDS,
                        c -> body(b -> command(c, b, new ChargerOperation.StopCharging(
                                Json.integer(b, "transactionId", true))))),
                Endpoint.post("/api/chargers/{pileId}/reset", Permission.RESET_CHARGERS,
                        c -> body(b -> reset(c, b))),
                Endpoint.get("/api/chargers/{pileId}/meter-samples", Permission.READ,
                        c -> parameterOptional("limit", limit -> reply(() -> CompletableFuture.supplyAsync(() -> {
                            try {
                                return control.telemetry().samplesOf(c.param("pileId"), limit(limit));
                            } catch (java.sql.SQLException e) {
                                throw new CompletionException(e);
                            }
                        }, control.blocking())))),
                Endpoint.get("/api/id-tags", Permission.READ, c -> parameterOptional("q", q -> parameterOptional("status",
                        status -> parameterOptional("parent", parent -> parameterOptional("limit", limit ->
                                parameterOptional("after", after -> {
                                    ReadQueries.TagFilter f = new ReadQueries.TagFilter(q.orElse(null),
                                            status.orElse(null), parent.orElse(null));
                                    int n = Paging.limit(limit);
                                    return reply(() -> CompletableFuture.supplyAsync(() -> {
                                        try {
                                            return control.readQueries().idTags(f, n, after.orElse(null));
                                        } catch (java.sql.SQLException e) {
                                            throw new CompletionException(e);
                                        }
                                    }, control.blocking()));
                                })))))),
                Endpoint.put("/api/id-tags/{idTag}", Permission.EDIT_ID_TAGS, c -> body(b -> putIdTag(c, c.param("idTag"), b))),
                Endpoint.get("/api/id-tags/{idTag}", Permission.READ, c -> reply(() -> control.sharding()
                        .entityRefFor(IdTagEntity.ENTITY_KEY, c.param("idTag"))
                        .<Result<IdTagEntity.TagView>>ask(IdTagEntity.Get::new, askTimeout))),
                Endpoint.get("/api/unbound-identities", Permission.READ, c -> reply(() -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return UnboundIdentities.list(control.db(), 500);
                    } catch (java.sql.SQLException e) {
                        throw new CompletionException(e);
                    }
                }, control.blocking()))));
    }

    private static int limit(java.util.Optional<String> limit) {
        if (limit.isEmpty()) {
            return 1000;
        }
        try {
            int n = Integer.parseInt(limit.get());
            if (n >= 1 && n <= 10_000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new BadRequest("limit", "limit must be an integer from 1 to 10000");
    }

    // ---- handlers ---------------------------------------------------------------------------------------

    private CompletionStage<Result<ChargerLive>> pileView(String pileId) {
        return pile(pileId).<Result<PileView>>ask(PileCommand.Get::new, askTimeout)
                .thenApply(r -> r.map(ChargerLive::of));
    }

    private CompletionStage<?> remoteStart(Call c, JsonNode b) {
        String idTag = Json.text(b, "idTag", true, 20);
        Integer connector = Json.integer(b, "connectorId", false);
        if (connector != null && connector < 1) {
            throw new BadRequest("connectorId", "connectorId must be 1 or more (connectors are numbered from 1)");
        }
        return command(c, b, new ChargerOperation.StartCharging(connector, idTag));
    }

    private CompletionStage<?> reset(Call c, JsonNode b) {
        String type = Json.text(b, "type", false, 4);
        if (type != null && !type.equals("Hard") && !type.equals("Soft")) {
            throw new BadRequest("type", "type must be Hard or Soft");
        }
        return command(c, b, new ChargerOperation.Reset("Hard".equals(type)));
    }

    /**
     * A call in OCPP 1.6's own terms, for what has no operation yet. It is checked here, at the edge, against the 1.6
     * schema: a caller's bad action or payload is a 400, never the pile's problem.
     */
    /**
     * A raw OCPP 1.6 call from the server: {@code action} must be one the server may send and {@code payload} must
     * match its schema (a problem naming {@code prefix + "action"} or the payload's field otherwise).
     */
    public static ChargerOperation.ProtocolCall rawCall(String action, JsonNode payload, String prefix) {
        OcppAction known = Ocpp16.REGISTRY.byName(action).orElse(null);
        if (known == null || !known.callableBy(Direction.FROM_SERVER)) {
            throw new BadRequest(prefix + "action", "action " + action + " is not a server-to-charger OCPP 1.6 action");
        }
        List<Violation> violations =
                Ocpp16.VALIDATOR.validate(known.schemaName(false), payload);
        if (!violations.isEmpty()) {
            Violation v = violations.get(0);
            throw new BadRequest(prefix + v.field("payload"), prefix + v.field("payload") + ": " + v.message());
        }
        return new ChargerOperation.ProtocolCall(Ocpp16.SUBPROTOCOL, action, payload.toString());
    }

    /**
     * Sends {@code operation}: 200 with its record once the charger answered (or the command ended), 202 while it is
     * queued for an offline charger or not yet answered. {@code ifOffline} ("wait", the default, or "fail") and
     * {@code expiresAfter} (an ISO-8601 duration, at most 30 days; the operation's default otherwise) say how long it
     * may wait for the charger.
     */
    private CompletionStage<Result<Object>> command(Call c, JsonNode b, ChargerOperation operation) {
        Duration wait = offlineWait(b);
        return pile(c.param("pileId")).<Result<CommandResult>>ask(r -> new PileCommand.SubmitCommand(operation,
                c.origin(), wait, r), commandAskTimeout).thenApply(r -> r.map(CommandOutcome::of)
                .map(o -> o.awaitingAnswer() ? new Replies.Accepted(o) : o));
    }

    public static Duration offlineWait(JsonNode b) {
        String ifOffline = Json.text(b, "ifOffline", false, 4);
        String expiresAfter = Json.text(b, "expiresAfter", false, 20);
        if (ifOffline != null && !ifOffline.equals("wait") && !ifOffline.equals("fail")) {
            throw new BadRequest("ifOffline", "ifOffline must be wait or fail");
        }
        if ("fail".equals(ifOffline)) {
            if (expiresAfter != null) {
                throw new BadRequest("expiresAfter", "expiresAfter is for a command that waits (ifOffline: wait)");
            }
            return Duration.ZERO;
        }
        if (expiresAfter == null) {
            return null;
        }
        Duration d;
        try {
            d = Duration.parse(expiresAfter);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest("expiresAfter", "expiresAfter must be an ISO-8601 duration such as PT10M or P2D");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(CommandRules.MAX_WAIT) > 0) {
            throw new BadRequest("expiresAfter", "expiresAfter must be more than zero and at most 30 days (P30D)");
        }
        return d;
    }

    /** One command of a charger, open or among its recent ones. */
    private CompletionStage<Result<CommandOutcome>> commandRecord(String pileId, String commandId) {
        return pile(pileId).<Result<PileView>>ask(PileCommand.Get::new, askTimeout).thenApply(r -> {
            if (!r.isOk()) {
                return new Result<>(null, r.rejection());
            }
            java.util.stream.Stream<CommandResult> all = java.util.stream.Stream.concat(
                    r.value().pendingCommands().stream(), r.value().recentCommands().stream());
            return all.filter(x -> x.commandId().equals(commandId)).findFirst().map(x -> Result.ok(CommandOutcome.of(x)))
                    .orElse(Result.rejected(Result.Reason.NOT_FOUND, null, "charger " + pileId + " has no command "
                            + commandId + " among its open and " + "recent ones"));
        });
    }

    private CompletionStage<?> putIdTag(Call call, String tag, JsonNode b) {
        if (tag.length() > 20) {
            throw new BadRequest("idTag", "an OCPP 1.6 idTag has at most 20 characters");
        }
        String status = Json.text(b, "status", true, 12);
        var expiry = Json.instant(b, "expiryDate");
        String parent = Json.text(b, "parentIdTag", false, 20);
        return control.sharding().entityRefFor(IdTagEntity.ENTITY_KEY, tag)
                .<Result<IdTagEntity.TagView>>ask(r -> new IdTagEntity.Put(status, expiry, parent,
                        new io.chargeplane.control.Origin(call.by(), call.remoteAddress()), r), askTimeout);
    }

    // ---- plumbing ---------------------------------------------------------------------------------------

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<PileCommand> pile(String pileId) {
        return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, pileId);
    }

    /** A raw call's payload: absent means {}; else it must be an object ({@code field} names it otherwise). */
    public static JsonNode payloadOf(JsonNode payload, String field) {
        if (payload == null || payload.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!payload.isObject()) {
            throw new BadRequest(field, field + " must be a JSON object");
        }
        return payload;
    }

    private static ObjectNode obj() {
        return Json.MAPPER.createObjectNode();
    }
}
