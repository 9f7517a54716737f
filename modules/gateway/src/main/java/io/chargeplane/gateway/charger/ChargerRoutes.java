package io.chargeplane.gateway.charger;

import static io.chargeplane.gateway.api.Replies.versioned;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.Control;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerNumberEntity;
import io.chargeplane.control.charger.ChargerRecord;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.control.charger.ConnectorType;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.registration.RegistrationSaga;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.readside.ReadQueries;
import io.chargeplane.control.review.Diff;
import io.chargeplane.control.review.SaveMode;
import io.chargeplane.control.station.StationEntity;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Call;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import io.chargeplane.gateway.api.Paging;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.api.dto.ChargerRegistration;
import io.chargeplane.gateway.auth.Permission;
import io.chargeplane.gateway.review.SaveModes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Chargers (S5-S8): create and edit their registration (number, station, model, power, connectors) as a draft,
 * for review, or directly; read with an ETag; review, approve, reject; list from the read side. A new or changed
 * charger number is claimed first (unique in the network); the claims, the save and their compensation run in a
 * persisted saga ({@code control/charger/registration}), one ask per request.
 */
public final class ChargerRoutes extends AllDirectives {
    private static final Pattern PILE_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    private static final Duration ASK = Duration.ofSeconds(10);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final long IMPORT_MAX_BYTES = 4L * 1024 * 1024;
    /** An import's answer may take this long; below the HTTP server's idle-timeout (120 s), which would close first. */
    private static final java.time.Duration IMPORT_TIMEOUT = java.time.Duration.ofSeconds(110);

    /** A registration's steps each have 10 s; its answer waits for all of them, below the 20 s request timeout. */
    private static final Duration SAGA_ASK = Duration.ofSeconds(19);

    private final Control control;

    public ChargerRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/chargers", Permission.READ, this::list),
                Endpoint.post("/api/chargers", Permission.EDIT_CHARGERS, c -> withBody(b -> {
                    String id = Json.text(b, "pileId", false, 64);
                    if (id == null) {
                        id = UUID.randomUUID().toString();
                    } else if (!PILE_ID.matcher(id).matches()) {
                        throw new BadRequest("pileId", "pileId must be 1-64 characters of [A-Za-z0-9._-]");
                    }
                    return save(c, id, true, b, null);
                })),
                Endpoint.post("/api/chargers/import", Permission.EDIT_CHARGERS, c -> parameterOptional("mode", modeText -> {
                    SaveMode mode = SaveModes.allowed(modeText.orElse("review"), c);
                    Origin origin = new Origin(c.by(), c.remoteAddress());
                    // a file of 5,000 rows takes longer than the API's usual request timeout (20 s), which answered
                    // 503 while the rows went on being saved, and the report per row was lost
                    return withRequestTimeout(IMPORT_TIMEOUT, () -> withSizeLimit(IMPORT_MAX_BYTES, () ->
                            entity(Unmarshaller.entityToString(), csv -> Replies.reply(() -> ChargerImport.run(csv,
                                    (pileId, details) -> saveSaga(pileId, true, details, mode, null, origin))))));
                })),
                Endpoint.get("/api/chargers/{pileId}", Permission.READ,
                        c -> versioned(() -> dto(pile(c).ask(PileCommand.GetRecord::new, ASK)),
                                ChargerRegistration::version)),
                Endpoint.put("/api/chargers/{pileId}", Permission.EDIT_CHARGERS, c -> optionalHeaderValueByName("If-Match",
                        ifMatch -> withBody(b -> save(c, c.param("pileId"), false, b, Replies.ifMatch(ifMatch))))),
                Endpoint.get("/api/chargers/{pileId}/review", Permission.READ, c -> Replies.reply(() -> pile(c)
                        .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK).thenApply(ChargerRoutes::review))),
                Endpoint.post("/api/chargers/{pileId}/approve", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    return versioned(() -> dto(pile(c).ask(r -> new PileCommand.ApproveDetails(changeId, origin(c),
                            control.clock().instant(), r), ASK)), ChargerRegistration::version);
                })),
                Endpoint.post("/api/chargers/{pileId}/device-secret", Permission.EDIT_CHARGERS, c -> Replies.reply(() ->
                        issueSecret(c.param("pileId"), c.origin()))),
                Endpoint.post("/api/chargers/{pileId}/reject", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    String comment = Json.text(b, "comment", true, 1000);
                    return versioned(() -> dto(pile(c).ask(r -> new PileCommand.RejectDetails(changeId, comment, origin(c),
                            control.clock().instant(), r), ASK)), ChargerRegistration::version);
                })));
    }

    private Route list(Call c) {
        return parameterOptional("online", online -> parameterOptional("stationId", station -> parameterOptional("model", model -> parameterOptional("status",
                status -> parameterOptional("number", number -> parameterOptional("limit", limit -> parameterOptional("after", after -> {
                    if (online.isPresent() && !online.get().equals("true") && !online.get().equals("false")) {
                        throw new BadRequest("online", "online must be true or false");
                    }
                    if (status.isPresent()) {
                        try {
                            ChargerRecord.Status.valueOf(status.get());
                        } catch (IllegalArgumentException e) {
                            throw new BadRequest("status", "status must be one of DRAFT, PENDING_REVIEW, ACTIVE, REJECTED");
                        }
                    }
                    // a charger whose node died cannot report the disconnect: it counts as online only if seen
                    // within two heartbeat intervals
                    ReadQueries.ChargerFilter f = new ReadQueries.ChargerFilter(station.orElse(null), model.orElse(null),
                            status.orElse(null), number.orElse(null), online.map(Boolean::parseBoolean).orElse(null),
                            control.clock().instant().minus(control.settings().heartbeatInterval().multipliedBy(2)));
                    int n = Paging.limit(limit);
                    return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                        try {
                            return control.readQueries().chargers(f, n, after.orElse(null));
                        } catch (java.sql.SQLException e) {
                            throw new CompletionException(e);
                        }
                    }, control.blocking()));
                })))))));
    }

    /** A save: one ask of a new registration saga, which claims, saves and compensates (S5-S7). */
    private Route save(Call c, String pileId, boolean create, JsonNode b, Long expectedVersion) {
        SaveMode mode = SaveModes.allowed(Json.text(b, "mode", true, 10), c);
        ChargerDetails details = details(b);
        CompletionStage<Result<ChargerView>> saga = saveSaga(pileId, create, details, mode, expectedVersion,
                new Origin(c.by(), c.remoteAddress()));
        return versioned(() -> dto(saga), ChargerRegistration::version);
    }

    /** The API's shape of a charger's registration. */
    private static CompletionStage<Result<ChargerRegistration>> dto(CompletionStage<Result<ChargerView>> view) {
        return view.thenApply(r -> r.map(ChargerRegistration::of));
    }

    private CompletionStage<Result<ChargerView>> saveSaga(String pileId, boolean create, ChargerDetails details,
                                                         SaveMode mode, Long expectedVersion, Origin origin) {
        // the station is read first: a request refused for its station writes nothing (no saga begins)
        return control.registrationSteps().stationInService(details.stationId()).thenCompose(stationProblem ->
                stationProblem != null ? CompletableFuture.completedFuture(stationProblem)
                        : RegistrationSaga.forRequest(control.sharding(), UUID.randomUUID().toString())
                                .<Result<ChargerView>>ask(r -> new RegistrationSaga.Start(pileId, create, details, mode,
                                        expectedVersion, origin, r), SAGA_ASK));
    }

    /**
     * A new OCPP basic-auth password for the charger's bound device (security profile 1): 192 random bits, shown
     * in this answer only; the device entity keeps its SHA-256. From then on the device must present it.
     */
    private CompletionStage<Object> issueSecret(String pileId, Origin origin) {
        return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, pileId)
                .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                .thenCompose(r -> {
                    if (!r.isOk()) {
                        return done(r);
                    }
                    String identity = r.value().identity();
                    if (identity == null) {
                        return done(Result.rejected(Result.Reason.CONFLICT, null, "charger " + pileId + " has no device bound yet"));
                    }
                    byte[] raw = new byte[24];
                    RANDOM.nextBytes(raw);
                    String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                    Instant now = control.clock().instant();
                    return control.sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity)
                            .<Result<DeviceEntity.Binding>>ask(reply -> new DeviceEntity.IssueSecret(pileId,
                                    DeviceEntity.digest(password), origin, now, reply), ASK)
                            .thenApply(b -> !b.isOk() ? (Object) b : (Object) Map.of("identity", identity, "password", password,
                                    "authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                            (identity + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                    "issuedAt", now,
                                    "note", "shown once: configure the charger with it now (OCPP security profile 1)"));
                });
    }

    /** The JSON body's charger fields; types are checked here, ranges and rules by {@link ChargerDetails}. */
    static ChargerDetails details(JsonNode b) {
        JsonNode list = b.get("connectors");
        if (list == null || !list.isArray()) {
            throw new BadRequest("connectors", "connectors is required: an array of {connectorId, type, powerKw}");
        }
        List<ChargerDetails.Connector> connectors = new ArrayList<>();
        for (int i = 0; i < list.size() && i <= ChargerDetails.MAX_CONNECTORS; i++) {
            JsonNode item = list.get(i);
            String at = "connectors[" + i + "]";
            if (!item.isObject()) {
                throw new BadRequest(at, at + " must be an object");
            }
            Integer id = Json.integer(item, "connectorId", false);
            ConnectorType type;
            try {
                type = ConnectorType.parse(Json.text(item, at, "type", true, 20));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(at + ".type", at + ".type: " + e.getMessage());
            }
            Double power = Json.decimal(item, "powerKw", true);
            connectors.add(new ChargerDetails.Connector(id == null ? i + 1 : id, type, power));
        }
        ChargerDetails d = new ChargerDetails(Json.text(b, "chargerNumber", true, 64), Json.text(b, "stationId", true, 64),
                Json.text(b, "model", true, 100), Json.decimal(b, "maxPowerKw", true), connectors,
                Json.text(b, "deviceIdentity", false, 48));
        d.validate().ifPresent(r -> {
            throw new BadRequest(r.field(), r.detail());
        });
        return d;
    }

    private static Object review(Result<ChargerView> r) {
        if (!r.isOk()) {
            return r;
        }
        ChargerView v = r.value();
        if (v.pending() == null) {
            return Result.rejected(Result.Reason.NOT_FOUND, null, "no change of charger " + v.pileId() + " is waiting for review");
        }
        return Map.of("pileId", v.pileId(), "changeId", v.pending().changeId(), "submittedBy", v.pending().submittedBy(),
                "submittedAt", v.pending().submittedAt(), "changes", Diff.between(v.live(), v.pending().proposed()),
                "version", v.version());
    }

    private EntityRef<PileCommand> pile(Call c) {
        return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, c.param("pileId"));
    }

    private static Origin origin(Call c) {
        return new Origin(c.by(), c.remoteAddress());
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private Route withBody(Function<JsonNode, Route> handler) {
        return entity(Unmarshaller.entityToString(), text -> handler.apply(Json.parse(text)));
    }
}
