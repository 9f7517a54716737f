package io.chargeplane.gateway.tariff;

import static io.chargeplane.gateway.api.Replies.versioned;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.chargeplane.control.Control;
import io.chargeplane.control.ControlJson;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.review.Diff;
import io.chargeplane.control.review.SaveMode;
import io.chargeplane.control.tariff.TariffDocument;
import io.chargeplane.control.tariff.TariffEntity;
import io.chargeplane.control.tariff.SessionTariff;
import io.chargeplane.control.tariff.TariffScope;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Call;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import io.chargeplane.gateway.api.Paging;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
import io.chargeplane.gateway.review.SaveModes;
import io.chargeplane.pricing.Quote;
import io.chargeplane.pricing.Tariff;
import io.chargeplane.pricing.TariffCalculator;
import io.chargeplane.pricing.export.NotExpressible;
import io.chargeplane.pricing.export.Ocpp21Tariff;
import io.chargeplane.pricing.export.YkcBillingModel;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Tariffs (S10-S12): one resource per scope ({@code network}, {@code station:<id>}, {@code charger:<id>}) holding
 * its versions; a new version is submitted for review or applied directly, now or from a time; a scheduled version
 * can be withdrawn before it is in force; the reviewer sees the difference to the version in force. "What does
 * charger X cost at time T" resolves charger, station and network scopes on the station's clock. The exports show
 * what a YKC or an OCPP 2.1 charger would be sent, or why it cannot be.
 */
public final class TariffRoutes extends AllDirectives {
    private static final Duration ASK = Duration.ofSeconds(10);
    /** Tariff bodies are read with exact decimals: a price of 0.1 is 0.1, not the double nearest to it. */
    private static final ObjectMapper EXACT = ControlJson.MAPPER.copy()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Control control;

    public TariffRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/tariffs", Permission.READ, this::list),
                Endpoint.get("/api/tariffs/{scope}", Permission.READ, c -> versioned(() -> tariff(c)
                        .ask(TariffEntity.Get::new, ASK), TariffEntity.TariffView::version)),
                Endpoint.put("/api/tariffs/{scope}", Permission.EDIT_TARIFFS, c -> optionalHeaderValueByName(
                        "If-Match", ifMatch -> withText(text -> save(c, text, Replies.ifMatch(ifMatch))))),
                Endpoint.get("/api/tariffs/{scope}/review", Permission.READ, c -> Replies.reply(() -> tariff(c)
                        .<Result<TariffEntity.TariffView>>ask(TariffEntity.Get::new, ASK).thenApply(this::review))),
                Endpoint.post("/api/tariffs/{scope}/approve", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    String comment = Json.text(b, "comment", false, 1000);
                    return versioned(() -> tariff(c).ask(r -> new TariffEntity.Approve(changeId, comment, origin(c),
                            control.clock().instant(), r), ASK), TariffEntity.TariffView::version);
                })),
                Endpoint.post("/api/tariffs/{scope}/reject", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    String comment = Json.text(b, "comment", true, 1000);
                    return versioned(() -> tariff(c).ask(r -> new TariffEntity.Reject(changeId, comment, origin(c),
                            control.clock().instant(), r), ASK), TariffEntity.TariffView::version);
                })),
                Endpoint.post("/api/tariffs/{scope}/cancel-scheduled", Permission.EDIT_TARIFFS, c -> withBody(b -> {
                    int number = Json.integer(b, "version", true);
                    return versioned(() -> tariff(c).ask(r -> new TariffEntity.CancelScheduled(number, origin(c),
                            control.clock().instant(), r), ASK), TariffEntity.TariffView::version);
                })),
                Endpoint.get("/api/tariffs/{scope}/export", Permission.READ, c -> parameterOptional("format",
                        format -> parameterOptional("version", version -> Replies.reply(() -> tariff(c)
                                .<Result<TariffEntity.TariffView>>ask(TariffEntity.Get::new, ASK)
                                .thenApply(r -> export(r, format.orElse(null), version.orElse(null))))))),
                Endpoint.get("/api/chargers/{pileId}/price", Permission.READ, c -> parameterOptional("at",
                        at -> Replies.reply(() -> price(c.param("pileId"), instant(at))))));
    }

    private Route list(Call c) {
        return parameterOptional("scope", scope -> parameterOptional("limit", limit -> parameterOptional("after",
                after -> {
                    scope.ifPresent(TariffRoutes::scope);
                    int n = Paging.limit(limit);
                    return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                        try {
                            return control.readQueries().tariffVersions(scope.orElse(null), n, after.orElse(null),
                                    control.clock().instant());
                        } catch (java.sql.SQLException e) {
                            throw new CompletionException(e);
                        }
                    }, control.blocking()));
                })));
    }

    private Route save(Call c, String text, Long expectedVersion) {
        TariffScope scope = scope(c.param("scope"));
        JsonNode b = Json.parse(text);
        SaveMode mode = SaveModes.allowed(Json.text(b, "mode", true, 10), c);
        Instant effectiveFrom = Json.instant(b, "effectiveFrom");
        TariffDocument tariff = document(exact(text).get("tariff"));
        control.tariffs().learn(scope);
        return versioned(() -> control.sharding().entityRefFor(TariffEntity.ENTITY_KEY, scope.toString())
                        .ask(r -> new TariffEntity.Save(tariff, effectiveFrom, mode, expectedVersion, origin(c),
                                control.clock().instant(), r), ASK),
                TariffEntity.TariffView::version);
    }

    /** The body's {@code tariff}: field types checked here (the problem names the field), the model by the entity. */
    static TariffDocument document(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new BadRequest("tariff", "tariff is required");
        }
        if (!node.isObject()) {
            throw new BadRequest("tariff", "tariff must be an object");
        }
        TariffDocument d;
        try {
            d = EXACT.treeToValue(node, TariffDocument.class);
        } catch (MismatchedInputException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName()
                    : "[" + r.getIndex() + "]").reduce("tariff", String::concat);
            throw new BadRequest(path, path + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new BadRequest("tariff", "tariff: " + e.getOriginalMessage());
        }
        try {
            d.toTariff();
        } catch (IllegalArgumentException e) {
            throw new BadRequest("tariff", e.getMessage());
        }
        return d;
    }

    private static JsonNode exact(String text) {
        try {
            return EXACT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** What a reviewer sees: the proposed version field by field against the one in force, and from when. */
    private Object review(Result<TariffEntity.TariffView> r) {
        if (!r.isOk()) {
            return r;
        }
        TariffEntity.TariffView v = r.value();
        if (v.pending() == null) {
            return Result.rejected(Result.Reason.NOT_FOUND, null, "no change of tariff " + v.scope()
                    + " is waiting for review");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", v.scope());
        out.put("changeId", v.pending().changeId());
        out.put("submittedBy", v.pending().submittedBy());
        out.put("submittedAt", v.pending().submittedAt());
        out.put("effectiveFrom", v.pending().requestedFrom());
        out.put("inForce", v.inForce() == null ? null : v.inForce().number());
        out.put("changes", Diff.between(v.inForce() == null ? null : v.inForce().tariff(), v.pending().proposed()));
        out.put("version", v.version());
        return out;
    }

    /** The version asked for (default: in force) as a YKC billing model or an OCPP 2.1 tariff, or why it cannot be. */
    private Object export(Result<TariffEntity.TariffView> r, String format, String versionText) {
        if (!r.isOk()) {
            return r;
        }
        if (format == null || !(format.equals("ykc") || format.equals("ocpp21"))) {
            throw new BadRequest("format", "format must be ykc or ocpp21");
        }
        TariffEntity.TariffView v = r.value();
        TariffEntity.TariffVersion chosen = v.inForce();
        if (versionText != null) {
            int n;
            try {
                n = Integer.parseInt(versionText);
            } catch (NumberFormatException e) {
                throw new BadRequest("version", "version must be a version number");
            }
            chosen = v.history().stream().filter(x -> x.number() == n).findFirst().orElse(null);
            if (chosen == null) {
                return Result.rejected(Result.Reason.NOT_FOUND, "version", "tariff " + v.scope() + " has no version "
                        + n + " among its newest");
            }
        }
        if (chosen == null) {
            return Result.rejected(Result.Reason.NOT_FOUND, null, "tariff " + v.scope() + " has no version in force");
        }
        Tariff tariff = chosen.tariff().toTariff();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", v.scope());
        out.put("version", chosen.number());
        out.put("format", format);
        try {
            if (format.equals("ykc")) {
                YkcBillingModel m = YkcBillingModel.of(tariff);
                out.put("electricity", m.electricity());
                out.put("service", m.service());
                out.put("lossRatio", m.lossRatio());
                out.put("slots", toInts(m.slots()));
                out.put("hex", java.util.HexFormat.of().formatHex(m.encode()));
            } else {
                out.put("tariff", Ocpp21Tariff.of(tariff, v.scope() + "#" + chosen.number(),
                        control.clock().instant().atZone(java.time.ZoneOffset.UTC).toLocalDate().minusDays(1)));
            }
        } catch (NotExpressible e) {
            return Result.rejected(Result.Reason.CONFLICT, "format", e.getMessage());
        }
        return out;
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i];
        }
        return out;
    }

    /** Charger {@code pileId}'s price at {@code at}: its station's zone, the version that applies, the quote. */
    private CompletionStage<Result<Map<String, Object>>> price(String pileId, Instant at) {
        EntityRef<io.chargeplane.control.charger.PileCommand> pile = control.sharding()
                .entityRefFor(PileEntity.ENTITY_KEY, pileId);
        return pile.<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK).thenCompose(cr -> {
            if (!cr.isOk()) {
                return CompletableFuture.completedFuture(new Result<Map<String, Object>>(null, cr.rejection()));
            }
            ChargerDetails d = cr.value().live() != null ? cr.value().live() : cr.value().draft();
            String stationId = d == null ? null : d.stationId();
            return control.tariffs().forSession(pileId, stationId, at).thenApply(found -> {
                if (found.isEmpty()) {
                    return Result.<Map<String, Object>>rejected(Result.Reason.NOT_FOUND, null, "no tariff applies to "
                            + pileId + " at " + at + ": publish one for the network, its station or the charger");
                }
                SessionTariff t = found.get();
                ZoneId zone = ZoneId.of(t.timeZone());
                Quote q = TariffCalculator.quote(t.tariff().toTariff(), zone, at);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("pileId", pileId);
                out.put("stationId", stationId);
                out.put("at", at);
                out.put("timeZone", zone.getId());
                out.put("scope", t.scope());
                out.put("version", t.version());
                out.put("effectiveFrom", t.effectiveFrom());
                out.put("quote", q);
                return Result.ok(out);
            });
        });
    }

    private Instant instant(Optional<String> at) {
        if (at.isEmpty()) {
            return control.clock().instant();
        }
        try {
            return Instant.parse(at.get());
        } catch (DateTimeParseException e) {
            throw new BadRequest("at", "at must be an instant such as 2027-01-01T08:00:00Z");
        }
    }

    private static TariffScope scope(String text) {
        try {
            return TariffScope.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("scope", e.getMessage());
        }
    }

    private EntityRef<TariffEntity.Command> tariff(Call c) {
        return control.sharding().entityRefFor(TariffEntity.ENTITY_KEY, scope(c.param("scope")).toString());
    }

    private static Origin origin(Call c) {
        return new Origin(c.by(), c.remoteAddress());
    }

    private Route withBody(Function<JsonNode, Route> handler) {
        return entity(Unmarshaller.entityToString(), text -> handler.apply(Json.parse(text)));
    }

    private Route withText(Function<String, Route> handler) {
        return entity(Unmarshaller.entityToString(), handler::apply);
    }
}
