package io.chargeplane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.control.Control;
import io.chargeplane.control.charger.CommandResult;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.PileView;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.idtag.IdTagEntity;
import io.chargeplane.control.unbound.UnboundIdentities;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;

/**
 * The minimal operator REST API of the spine: create a pile, bind a device identity to it, read its live
 * state, send it RemoteStart / RemoteStop / Reset (or any server-to-charger action), edit id tags, list
 * identities seen but not bound. Errors are {@code application/problem+json} naming the field.
 */
public final class ApiRoutes extends AllDirectives {
    private static final Pattern PILE_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    private static final ContentType PROBLEM = ContentTypes.create(
            MediaTypes.applicationWithFixedCharset("problem+json", org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8));

    private final Control control;
    private final Duration askTimeout;
    private final Duration commandAskTimeout;

    public ApiRoutes(Control control) {
        this.control = control;
        this.askTimeout = Duration.ofSeconds(10);
        this.commandAskTimeout = control.settings().commandTimeout().plusSeconds(2);
    }

    public Route route() {
        return pathPrefix("api", () -> concat(
                pathPrefix("piles", () -> concat(
                        pathEnd(() -> post(() -> body(this::createPile))),
                        pathPrefix(PathMatchers.segment(), pileId -> concat(
                                pathEnd(() -> get(() -> reply(() -> pileView(pileId)))),
                                path("device", () -> put(() -> body(b -> bindDevice(pileId, b)))),
                                path("commands", () -> post(() -> body(b -> command(pileId,
                                        Json.text(b, "action", true, 40), payloadOf(b.get("payload")))))),
                                path("remote-start", () -> post(() -> body(b -> remoteStart(pileId, b)))),
                                path("remote-stop", () -> post(() -> body(b -> command(pileId, "RemoteStopTransaction",
                                        obj().put("transactionId", Json.integer(b, "transactionId", true)))))),
                                path("reset", () -> post(() -> body(b -> reset(pileId, b)))),
                                path("meter-samples", () -> get(() -> parameterOptional("limit", limit ->
                                        reply(() -> CompletableFuture.supplyAsync(() -> {
                                            try {
                                                return control.telemetry().samplesOf(pileId,
                                                        limit.map(Integer::parseInt).orElse(1000));
                                            } catch (java.sql.SQLException e) {
                                                throw new CompletionException(e);
                                            }
                                        }, control.blocking())))))
                        )))),
                pathPrefix("id-tags", () -> path(PathMatchers.segment(), tag -> concat(
                        put(() -> body(b -> putIdTag(tag, b))),
                        get(() -> reply(() -> control.sharding().entityRefFor(IdTagEntity.ENTITY_KEY, tag)
                                .<IdTagEntity.TagView>askWithStatus(IdTagEntity.Get::new, askTimeout)))))),
                path("unbound-identities", () -> get(() -> reply(() -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return UnboundIdentities.list(control.db(), 500);
                    } catch (java.sql.SQLException e) {
                        throw new CompletionException(e);
                    }
                }, control.blocking()))))
        ));
    }

    // ---- handlers ---------------------------------------------------------------------------------------

    private CompletionStage<?> createPile(JsonNode b) {
        String pileId = Json.text(b, "pileId", false, 64);
        if (pileId == null) {
            pileId = UUID.randomUUID().toString();
        } else if (!PILE_ID.matcher(pileId).matches()) {
            throw new BadRequest("pileId", "pileId must be 1-64 characters of [A-Za-z0-9._-]");
        }
        String number = Json.text(b, "chargerNumber", true, 64);
        return pile(pileId).<PileView>askWithStatus(r -> new PileCommand.Create(number, r), askTimeout);
    }

    private CompletionStage<PileView> pileView(String pileId) {
        return pile(pileId).askWithStatus(PileCommand.Get::new, askTimeout);
    }

    /** Binding saga: claim the identity on its Device entity, attach it to the pile, give it back if the pile refuses. */
    private CompletionStage<?> bindDevice(String pileId, JsonNode b) {
        String identity = Json.text(b, "identity", true, 48);
        var device = control.sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity);
        return pileView(pileId)
                .thenCompose(existing -> device.<DeviceEntity.Binding>askWithStatus(
                        r -> new DeviceEntity.Claim(pileId, r), askTimeout))
                .thenCompose(claimed -> pile(pileId).<PileView>askWithStatus(
                                r -> new PileCommand.AttachDevice(identity, r), askTimeout)
                        .exceptionallyCompose(refused -> device.<DeviceEntity.Binding>askWithStatus(
                                        r -> new DeviceEntity.Release(pileId, r), askTimeout)
                                .thenCompose(released -> CompletableFuture.failedFuture(refused))));
    }

    private CompletionStage<?> remoteStart(String pileId, JsonNode b) {
        ObjectNode payload = obj().put("idTag", Json.text(b, "idTag", true, 20));
        Integer connector = Json.integer(b, "connectorId", false);
        if (connector != null) {
            payload.put("connectorId", connector);
        }
        return command(pileId, "RemoteStartTransaction", payload);
    }

    private CompletionStage<?> reset(String pileId, JsonNode b) {
        String type = Json.text(b, "type", false, 4);
        if (type != null && !type.equals("Hard") && !type.equals("Soft")) {
            throw new BadRequest("type", "type must be Hard or Soft");
        }
        return command(pileId, "Reset", obj().put("type", type == null ? "Soft" : type));
    }

    private CompletionStage<CommandResult> command(String pileId, String action, JsonNode payload) {
        return pile(pileId).askWithStatus(r -> new PileCommand.SubmitCommand(action, payload.toString(), r),
                commandAskTimeout);
    }

    private CompletionStage<?> putIdTag(String tag, JsonNode b) {
        if (tag.length() > 20) {
            throw new BadRequest("idTag", "an OCPP 1.6 idTag has at most 20 characters");
        }
        String status = Json.text(b, "status", true, 12);
        var expiry = Json.instant(b, "expiryDate");
        String parent = Json.text(b, "parentIdTag", false, 20);
        return control.sharding().entityRefFor(IdTagEntity.ENTITY_KEY, tag)
                .<IdTagEntity.TagView>askWithStatus(r -> new IdTagEntity.Put(status, expiry, parent, r), askTimeout);
    }

    // ---- plumbing ---------------------------------------------------------------------------------------

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<PileCommand> pile(String pileId) {
        return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, pileId);
    }

    private static JsonNode payloadOf(JsonNode payload) {
        if (payload == null || payload.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!payload.isObject()) {
            throw new BadRequest("payload", "payload must be a JSON object");
        }
        return payload;
    }

    private static ObjectNode obj() {
        return Json.MAPPER.createObjectNode();
    }

    private Route body(java.util.function.Function<JsonNode, CompletionStage<?>> handler) {
        return entity(Unmarshaller.entityToString(), text -> reply(() -> handler.apply(Json.parse(text))));
    }

    private Route reply(Supplier<CompletionStage<?>> work) {
        CompletionStage<?> stage;
        try {
            stage = work.get();
        } catch (BadRequest e) {
            return problem(Problem.of(400, e.getMessage(), e.field));
        }
        return onComplete(stage, result -> {
            if (result.isSuccess()) {
                return complete(StatusCodes.OK, result.get(), Jackson.marshaller(Json.MAPPER));
            }
            return problem(toProblem(result.failed().get()));
        });
    }

    static Problem toProblem(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof BadRequest b) {
            return Problem.of(400, b.getMessage(), b.field);
        }
        if (e instanceof StatusReply.ErrorMessage || e.getClass().getName().endsWith("ErrorMessage")) {
            return Problem.fromReplyError(e.getMessage());
        }
        if (e instanceof java.util.concurrent.TimeoutException) {
            return Problem.of(504, "no answer in time: " + e.getMessage(), null);
        }
        return Problem.of(500, e.toString(), null);
    }

    static Route problem(Problem p) {
        try {
            return new AllDirectives() { }.complete(HttpResponse.create()
                    .withStatus(p.status())
                    .withEntity(HttpEntities.create(PROBLEM, Json.MAPPER.writeValueAsBytes(p))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
