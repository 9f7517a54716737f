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
 * charger number is claimed first (unique in the network), and given back if the pile refuses the change.
 */
public final class ChargerRoutes extends AllDirectives {
    private static final Pattern PILE_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    private static final Duration ASK = Duration.ofSeconds(10);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final long IMPORT_MAX_BYTES = 4L * 1024 * 1024;
    /** An import's answer may take this long; below the HTTP server's idle-timeout (120 s), which would close first. */
    private static final java.time.Duration IMPORT_TIMEOUT = java.time.Duration.ofSeconds(110);

    /** A number claim that failed: nothing to give back. */
    private static final Result<Boolean> NOT_CLAIMED = Result.rejected(503, "chargerNumber", "not claimed");

    private final Control control;

    private final Duration orphanGrace;

    public ChargerRoutes(Control control) {
        this.control = control;
        this.orphanGrace = control.system().settings().config().getDuration("chargeplane.control.orphan-claim-grace");
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
                        c -> versioned(() -> pile(c).ask(PileCommand.GetRecord::new, ASK), ChargerView::version)),
                Endpoint.put("/api/chargers/{pileId}", Permission.EDIT_CHARGERS, c -> optionalHeaderValueByName("If-Match",
                        ifMatch -> withBody(b -> save(c, c.param("pileId"), false, b, Replies.ifMatch(ifMatch))))),
                Endpoint.get("/api/chargers/{pileId}/review", Permission.READ, c -> Replies.reply(() -> pile(c)
                        .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK).thenApply(ChargerRoutes::review))),
                Endpoint.post("/api/chargers/{pileId}/approve", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    return versioned(() -> pile(c).ask(r -> new PileCommand.ApproveDetails(changeId, origin(c),
                            control.clock().instant(), r), ASK), ChargerView::version);
                })),
                Endpoint.post("/api/chargers/{pileId}/device-secret", Permission.EDIT_CHARGERS, c -> Replies.reply(() ->
                        issueSecret(c.param("pileId"), c.origin()))),
                Endpoint.post("/api/chargers/{pileId}/reject", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    String comment = Json.text(b, "comment", true, 1000);
                    return versioned(() -> pile(c).ask(r -> new PileCommand.RejectDetails(changeId, comment, origin(c),
                            control.clock().instant(), r), ASK), ChargerView::version);
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

    /**
     * The save saga: the station must exist and be in service, the charger number is claimed (unique in the
     * network), then the pile takes the change; a number claimed for a change the pile refused is given back.
     */
    private Route save(Call c, String pileId, boolean create, JsonNode b, Long expectedVersion) {
        SaveMode mode = SaveModes.allowed(Json.text(b, "mode", true, 10), c);
        ChargerDetails details = details(b);
        CompletionStage<Result<ChargerView>> saga = saveSaga(pileId, create, details, mode, expectedVersion,
                new Origin(c.by(), c.remoteAddress()));
        return versioned(() -> saga, ChargerView::version);
    }

    /**
     * The save saga: the station must exist and be in service, the charger number is claimed (unique in the
     * network), the device identity reserved, then the pile takes the change; what was claimed for a change the
     * pile refused is given back.
     */
    private CompletionStage<Result<ChargerView>> saveSaga(String pileId, boolean create, ChargerDetails details,
                                                         SaveMode mode, Long expectedVersion, Origin origin) {
        EntityRef<PileCommand> pile = control.sharding().entityRefFor(PileEntity.ENTITY_KEY, pileId);
        EntityRef<ChargerNumberEntity.Command> number =
                control.sharding().entityRefFor(ChargerNumberEntity.ENTITY_KEY, details.chargerNumber());
        Instant now = control.clock().instant();
        if (create) {
            return createSaga(pile, pileId, details, mode, origin, number, now);
        }
        return stationInService(details.stationId())
                .thenCompose(stationProblem -> stationProblem != null ? done(stationProblem) : pile
                        .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                        .thenCompose(before -> number.<Result<Boolean>>ask(r -> new ChargerNumberEntity.Claim(pileId, now, r), ASK)
                                .thenCompose(claim -> claim.isOk() || claim.rejection().status() != 409 ? done(claim)
                                        : repairNumber(number, details.chargerNumber(), pileId, claim))
                                .thenCompose(claim -> {
                                    if (!claim.isOk()) {
                                        return done(new Result<ChargerView>(null, claim.rejection()));
                                    }
                                    return reserveDevice(pileId, details.deviceIdentity()).thenCompose(reserved -> {
                                        if (reserved != null) {
                                            giveBack(number, claim, pileId);
                                            return done(reserved);
                                        }
                                        return pile.<Result<ChargerView>>ask(r -> new PileCommand.SaveDetails(create, details,
                                                mode, expectedVersion, origin, now, r), ASK).thenApply(saved -> {
                                            if (!saved.isOk()) {
                                                giveBack(number, claim, pileId);
                                                if (details.deviceIdentity() != null && !holds(before, details.deviceIdentity())) {
                                                    releaseDevice(details.deviceIdentity(), pileId);
                                                }
                                            }
                                            return saved;
                                        }).exceptionallyCompose(failed -> giveBackUnused(pile, pileId, details, number, claim)
                                                .thenCompose(given -> CompletableFuture.failedFuture(failed)));
                                    });
                                })));
    }

    /**
     * A new charger (also {@code mode: direct}, a charger created and bound to its device in one request): there is
     * no record to read first, so once the station is found in service (a read: a request refused for its station
     * writes nothing) the number and the device are claimed at once, and the pile is created (with its device) in
     * one write only if both hold. Whatever this request claimed and the pile does not hold is given back on any
     * refusal or failure.
     */
    private CompletionStage<Result<ChargerView>> createSaga(EntityRef<PileCommand> pile, String pileId,
                                                           ChargerDetails details, SaveMode mode, Origin origin,
                                                           EntityRef<ChargerNumberEntity.Command> number, Instant now) {
        return stationInService(details.stationId()).thenCompose(stationProblem -> stationProblem != null
                ? done(stationProblem) : claimAndCreate(pile, pileId, details, mode, origin, number, now));
    }

    private CompletionStage<Result<ChargerView>> claimAndCreate(EntityRef<PileCommand> pile, String pileId,
                                                               ChargerDetails details, SaveMode mode, Origin origin,
                                                               EntityRef<ChargerNumberEntity.Command> number, Instant now) {
        CompletableFuture<Result<Boolean>> claim = number.<Result<Boolean>>ask(
                        r -> new ChargerNumberEntity.Claim(pileId, now, r), ASK)
                .thenCompose(c -> c.isOk() || c.rejection().status() != 409 ? done(c)
                        : repairNumber(number, details.chargerNumber(), pileId, c)).toCompletableFuture();
        CompletableFuture<Result<ChargerView>> device = reserveDevice(pileId, details.deviceIdentity()).toCompletableFuture();
        return CompletableFuture.allOf(claim, device).thenCompose(all -> {
            Result<ChargerView> refused = !claim.join().isOk() ? new Result<>(null, claim.join().rejection())
                    : device.join();
            if (refused != null) {
                return giveBackUnused(pile, pileId, details, number, claim.join()).thenApply(given -> refused);
            }
            return pile.<Result<ChargerView>>ask(r -> new PileCommand.SaveDetails(true, details, mode, null, origin, now,
                            r), ASK)
                    .thenCompose(saved -> saved.isOk() ? done(saved)
                            : giveBackUnused(pile, pileId, details, number, claim.join()).thenApply(given -> saved));
        }).exceptionallyCompose(failed -> giveBackUnused(pile, pileId, details, number,
                        claim.isCompletedExceptionally() ? NOT_CLAIMED : claim.join())
                .thenCompose(given -> CompletableFuture.failedFuture(failed)));
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
                        return done(Result.rejected(409, null, "charger " + pileId + " has no device bound yet"));
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

    /** Null when the station exists and is in service, else the rejection naming {@code stationId}. */
    private CompletionStage<Result<ChargerView>> stationInService(String stationId) {
        return control.sharding().entityRefFor(StationEntity.ENTITY_KEY, stationId)
                .<Result<StationEntity.StationView>>ask(StationEntity.Get::new, ASK)
                .thenApply(station -> {
                    if (!station.isOk()) {
                        return Result.rejected(400, "stationId", "no station " + stationId);
                    }
                    if (station.value().status() == StationEntity.Status.DECOMMISSIONED) {
                        return Result.rejected(400, "stationId", "station " + stationId + " is decommissioned");
                    }
                    return null;
                });
    }

    /**
     * A binding, even one waiting for review, reserves the device identity for this pile (serialised by the Device
     * entity, so two chargers on two nodes cannot both get it). Null when reserved, else the rejection.
     */
    private CompletionStage<Result<ChargerView>> reserveDevice(String pileId, String identity) {
        if (identity == null) {
            return done(null);
        }
        EntityRef<DeviceEntity.Command> device = control.sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity);
        Instant now = control.clock().instant();
        return device.<Result<DeviceEntity.Binding>>ask(r -> new DeviceEntity.Claim(pileId, r), ASK)
                .thenCompose(claimed -> {
                    if (claimed.isOk()) {
                        return done((Result<ChargerView>) null);
                    }
                    Result<ChargerView> refused = new Result<>(null, claimed.rejection());
                    if (claimed.rejection().status() != 409) {
                        return done(refused);
                    }
                    // bound elsewhere; perhaps by a save a crash interrupted: the holder keeps it only if it uses it
                    return device.<DeviceEntity.Binding>ask(DeviceEntity.Lookup::new, ASK).thenCompose(binding -> {
                        if (!binding.bound() || binding.boundAt() == null || !binding.boundAt().isBefore(now.minus(orphanGrace))) {
                            return done(refused);
                        }
                        return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, binding.pileId())
                                .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                                .thenCompose(owner -> holds(owner, identity) ? done(refused)
                                        : device.<Result<DeviceEntity.Binding>>ask(r -> new DeviceEntity.Transfer(
                                                binding.pileId(), pileId, now.minus(orphanGrace), now, r), ASK)
                                        .thenApply(t -> t.isOk() ? null : new Result<ChargerView>(null, t.rejection())));
                    });
                });
    }

    /**
     * Repair of a saga a crash interrupted: a number held for longer than the grace by a pile that does not use it
     * (not live, draft nor pending there) goes to this claimant; otherwise the original 409 stands.
     */
    private CompletionStage<Result<Boolean>> repairNumber(EntityRef<ChargerNumberEntity.Command> number, String value,
                                                          String pileId, Result<Boolean> refused) {
        Instant now = control.clock().instant();
        return number.<ChargerNumberEntity.State>ask(ChargerNumberEntity.Get::new, ASK).thenCompose(held -> {
            if (held.pileId() == null || held.since() == null || !held.since().isBefore(now.minus(orphanGrace))) {
                return done(refused);
            }
            return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, held.pileId())
                    .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                    .thenCompose(owner -> usesNumber(owner, value) ? done(refused)
                            : number.<Result<Boolean>>ask(r -> new ChargerNumberEntity.Transfer(held.pileId(), pileId,
                                    now.minus(orphanGrace), now, r), ASK));
        });
    }

    private static boolean usesNumber(Result<ChargerView> owner, String number) {
        if (!owner.isOk()) {
            return false;
        }
        ChargerView v = owner.value();
        return number.equals(v.chargerNumber())
                || (v.live() != null && number.equals(v.live().chargerNumber()))
                || (v.draft() != null && number.equals(v.draft().chargerNumber()))
                || (v.pending() != null && number.equals(v.pending().proposed().chargerNumber()));
    }

    /**
     * Compensation of a save whose pile failed to answer (it may have stopped, or be slow): the pile is asked what
     * it holds now, and the number and device this save claimed are given back unless it uses them.
     */
    private CompletionStage<Void> giveBackUnused(EntityRef<PileCommand> pile, String pileId, ChargerDetails details,
                                                 EntityRef<ChargerNumberEntity.Command> number, Result<Boolean> claim) {
        return pile.<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK).handle((now, unreachable) -> {
            if (unreachable != null) {
                return null; // the orphan repair (orphanGrace) gives them back later
            }
            if (!usesNumber(now, details.chargerNumber())) {
                giveBack(number, claim, pileId);
            }
            if (details.deviceIdentity() != null && !holds(now, details.deviceIdentity())) {
                releaseDevice(details.deviceIdentity(), pileId);
            }
            return null;
        });
    }

    private void releaseDevice(String identity, String pileId) {
        control.sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity)
                .tell(new DeviceEntity.Release(pileId, control.system().ignoreRef()));
    }

    /** Compensation: a number claimed for a change that did not happen is given back. */
    private void giveBack(EntityRef<ChargerNumberEntity.Command> number, Result<Boolean> claim, String pileId) {
        if (claim.isOk() && claim.value()) {
            number.tell(new ChargerNumberEntity.Release(pileId, control.clock().instant()));
        }
    }

    private static boolean holds(Result<ChargerView> before, String identity) {
        if (!before.isOk()) {
            return false;
        }
        ChargerView v = before.value();
        return identity.equals(v.identity())
                || (v.live() != null && identity.equals(v.live().deviceIdentity()))
                || (v.draft() != null && identity.equals(v.draft().deviceIdentity()))
                || (v.pending() != null && identity.equals(v.pending().proposed().deviceIdentity()));
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
            return Result.rejected(404, null, "no change of charger " + v.pileId() + " is waiting for review");
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
