package io.chargeplane.gateway.batch;

import static io.chargeplane.gateway.api.Replies.body;
import static io.chargeplane.gateway.api.Replies.reply;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.Control;
import io.chargeplane.control.Result;
import io.chargeplane.control.batch.CommandBatch;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.station.StationEntity;
import io.chargeplane.gateway.api.ApiRoutes;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Call;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import io.chargeplane.gateway.api.Paging;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
import io.chargeplane.gateway.firmware.FirmwareRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/**
 * Command batches (S17-S21): one operation to one charger, a list, or a whole station, tracked per target with the
 * charger's answer and the confirmed outcome. {@code POST /api/batches} answers 202 with the batch (or waits with
 * {@code ?wait=} until every target has its outcome, up to {@link #MAX_WAIT}); {@code GET /api/batches/{id}} shows
 * the targets, {@code GET /api/batches} lists the batches, newest first.
 */
public final class BatchRoutes extends AllDirectives {
    /** The longest {@code wait} query: below Pekko HTTP's 20 s request timeout. */
    static final Duration MAX_WAIT = Duration.ofSeconds(15);
    /** Targets of one batch at most (a station of a few thousand chargers fits). */
    static final int MAX_TARGETS = 10_000;
    private static final Duration ASK = Duration.ofSeconds(10);

    private final Control control;

    public BatchRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                // a technician may reboot (RESET_CHARGERS); any other operation needs SEND_COMMANDS (checked below)
                Endpoint.post("/api/batches", Permission.RESET_CHARGERS,
                        c -> parameterOptional("wait", wait -> body(b -> create(c, b, waitOf(wait))))),
                Endpoint.get("/api/batches/{batchId}", Permission.READ, c -> parameterOptional("wait", wait ->
                        parameterOptional("limit", limit -> parameterOptional("after", after ->
                                parameterOptional("status", status -> reply(() -> get(c.param("batchId"),
                                        waitOf(wait), page(limit, after, status)))))))),
                Endpoint.get("/api/batches", Permission.READ, c -> parameterOptional("limit", limit ->
                        parameterOptional("after", after -> reply(() -> CompletableFuture.supplyAsync(() -> {
                            try {
                                return control.readQueries().batches(Paging.limit(limit), after.orElse(null));
                            } catch (java.sql.SQLException e) {
                                throw new CompletionException(e);
                            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                                throw new BadRequest("after", "after must be the next of a previous page");
                            }
                        }, control.blocking()))))));
    }

    private CompletionStage<?> create(Call c, JsonNode b, Duration wait) {
        JsonNode o = Json.object(b, "operation", true);
        ChargerOperation op = "update-firmware".equals(o.path("type").asText()) ? updateFirmware(o)
                : operation(o);
        if (op instanceof ChargerOperation.GetDiagnostics && !control.publicLinks().configured()) {
            FirmwareRoutes.publicLink(() -> control.publicLinks().link("", "", Instant.EPOCH, ""), "operation");
        }
        boolean rebootOnly = op instanceof ChargerOperation.Reset;
        if (!rebootOnly && c.operator().map(p -> !Permission.SEND_COMMANDS.grantedTo(p.role())).orElse(true)) {
            throw new BadRequest(403, "operation", "your role may reboot chargers but not send " + op.name());
        }
        if (op instanceof ChargerOperation.ProtocolCall
                && c.operator().map(p -> !Permission.SEND_RAW_CALLS.grantedTo(p.role())).orElse(true)) {
            throw new BadRequest(403, "operation", "your role may not send raw protocol calls (SEND_RAW_CALLS)");
        }
        Duration offlineWait = ApiRoutes.offlineWait(b);
        String stationId = Json.text(b, "stationId", false, 64);
        List<String> chargers = b.has("chargers") ? Json.strings(b, "chargers", MAX_TARGETS, 64) : null;
        if ((stationId == null) == (chargers == null)) {
            throw new BadRequest("chargers", "name the targets: either chargers (a list of charger ids) or stationId");
        }
        if (chargers != null && chargers.isEmpty()) {
            throw new BadRequest("chargers", "chargers must name at least one charger");
        }
        boolean heavy = op instanceof ChargerOperation.ChangeAvailability a && !a.operative()
                || op instanceof ChargerOperation.UpdateFirmware || op instanceof ChargerOperation.Reset;
        JsonNode confirm = b.get("confirm");
        if (stationId != null && heavy && (confirm == null || !confirm.asBoolean(false))) {
            throw new BadRequest("confirm", "a station-wide " + op.name() + " needs \"confirm\": true");
        }
        String batchId = CommandBatch.newId();
        CompletionStage<List<String>> targets = chargers != null
                ? CompletableFuture.completedFuture(List.copyOf(new LinkedHashSet<>(chargers)))
                : stationChargers(stationId);
        CommandBatch.Waves waves = waves(b);
        return targets.thenCompose(t -> batch(batchId).<Result<CommandBatch.BatchView>>ask(r -> new CommandBatch.Create(
                        op, t, stationId, offlineWait, waves, c.origin(), r), ASK))
                .thenCompose(created -> !created.isOk() || wait.isZero() ? CompletableFuture.completedFuture(created)
                        : batch(batchId).<Result<CommandBatch.BatchView>>ask(r -> new CommandBatch.AwaitDone(wait,
                        CommandBatch.TargetPage.FIRST, r), wait.plus(ASK)))
                .thenApply(r -> r.isOk() && !r.value().done() ? Result.ok(new Replies.Accepted(r.value())) : r);
    }

    /** {@code waves: {size, stopAfterFailures}}: at most size targets at once, stopped after that many failures. */
    static CommandBatch.Waves waves(JsonNode b) {
        JsonNode w = Json.object(b, "waves", false);
        if (w == null) {
            return CommandBatch.Waves.ALL_AT_ONCE;
        }
        Integer size = positive(w, "size");
        Integer stop = positive(w, "stopAfterFailures");
        return new CommandBatch.Waves(size, stop);
    }

    private static Integer positive(JsonNode w, String field) {
        Integer v;
        try {
            v = Json.integer(w, field, false);
        } catch (BadRequest e) {
            throw new BadRequest("waves." + field, "waves." + e.getMessage());
        }
        if (v != null && v < 1) {
            throw new BadRequest("waves." + field, "waves." + field + " must be 1 or more");
        }
        return v;
    }

    private CompletionStage<Result<CommandBatch.BatchView>> get(String batchId, Duration wait,
                                                                CommandBatch.TargetPage page) {
        return batch(batchId).ask(r -> new CommandBatch.AwaitDone(wait, page, r), wait.plus(ASK));
    }

    /**
     * {@code limit} (1-500, 500 by default), {@code after} (the {@code nextTargets} of the page before) and
     * {@code status} (only the targets with it) choose the targets a batch is shown with.
     */
    static CommandBatch.TargetPage page(Optional<String> limit, Optional<String> after, Optional<String> status) {
        int n = CommandBatch.TargetPage.MAX;
        if (limit.isPresent()) {
            try {
                n = Integer.parseInt(limit.get());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > CommandBatch.TargetPage.MAX) {
                throw new BadRequest("limit", "limit must be an integer from 1 to " + CommandBatch.TargetPage.MAX);
            }
        }
        return new CommandBatch.TargetPage(shortText(status, "status"), shortText(after, "after"), n);
    }

    private static String shortText(Optional<String> v, String field) {
        if (v.isPresent() && (v.get().isEmpty() || v.get().length() > 64)) {
            throw new BadRequest(field, field + " must be 1-64 characters");
        }
        return v.orElse(null);
    }

    /** The chargers the station has now, or a rejection as the station's own. */
    private CompletionStage<List<String>> stationChargers(String stationId) {
        return control.sharding().entityRefFor(StationEntity.ENTITY_KEY, stationId)
                .<Result<StationEntity.StationView>>ask(StationEntity.Get::new, ASK)
                .thenApply(r -> {
                    if (!r.isOk()) {
                        throw new BadRequest(404, "stationId", "no station " + stationId);
                    }
                    if (r.value().chargers().isEmpty()) {
                        throw new BadRequest(409, "stationId", "station " + stationId + " has no chargers");
                    }
                    return List.copyOf(r.value().chargers());
                });
    }

    private EntityRef<CommandBatch.Command> batch(String batchId) {
        return control.sharding().entityRefFor(CommandBatch.ENTITY_KEY, batchId);
    }

    static Duration waitOf(Optional<String> wait) {
        if (wait.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            Duration d = Duration.parse(wait.get());
            if (!d.isNegative() && d.compareTo(MAX_WAIT) <= 0) {
                return d;
            }
        } catch (java.time.format.DateTimeParseException ignored) {
            // below
        }
        throw new BadRequest("wait", "wait must be an ISO-8601 duration from PT0S to PT15S");
    }

    /**
     * The operation of a batch, by its {@code type}: reboot, start, stop, take-out-of-service, back-in-service,
     * unlock, read-configuration, change-configuration, trigger, clear-cache, raw (action and payload of the
     * charger's protocol, for roles with SEND_RAW_CALLS).
     */
    static ChargerOperation operation(JsonNode o) {
        String type = Json.text(o, "operation", "type", true, 32);
        return switch (type) {
            case "reboot" -> {
                String hard = Json.text(o, "operation", "mode", false, 4);
                if (hard != null && !hard.equals("soft") && !hard.equals("hard")) {
                    throw new BadRequest("operation.mode", "operation.mode must be soft or hard");
                }
                yield new ChargerOperation.Reset("hard".equals(hard));
            }
            case "start" -> new ChargerOperation.StartCharging(connector(o, false),
                    Json.text(o, "operation", "idTag", true, 20));
            case "stop" -> new ChargerOperation.StopCharging(intField(o, "transactionId", true));
            case "take-out-of-service" -> new ChargerOperation.ChangeAvailability(connectorOrCharger(o), false);
            case "back-in-service" -> new ChargerOperation.ChangeAvailability(connectorOrCharger(o), true);
            case "unlock" -> new ChargerOperation.Unlock(connector(o, true));
            case "read-configuration" -> new ChargerOperation.ReadConfiguration(o.has("keys")
                    ? Json.strings(o, "keys", 100, 50) : List.of());
            case "change-configuration" -> new ChargerOperation.ChangeConfiguration(
                    Json.text(o, "operation", "key", true, 50), Json.text(o, "operation", "value", true, 500));
            case "trigger" -> new ChargerOperation.Trigger(trigger(Json.text(o, "operation", "message", true, 40)),
                    connector(o, false));
            case "clear-cache" -> new ChargerOperation.ClearCache();
            case "diagnostics" -> diagnostics(o);
            case "raw" -> ApiRoutes.rawCall(Json.text(o, "operation", "action", true, 40),
                    ApiRoutes.payloadOf(o.get("payload"), "operation.payload"), "operation.");
            default -> throw new BadRequest("operation.type", "operation.type must be one of reboot, start, stop, "
                    + "take-out-of-service, back-in-service, unlock, read-configuration, change-configuration, "
                    + "trigger, clear-cache, diagnostics, update-firmware, raw");
        };
    }

    /**
     * UpdateFirmware of an uploaded file ({@code firmwareId}), fetched by a signed link under the public base URL
     * that works until {@code chargeplane.firmware.link-validity} after the retrieve date (now by default).
     */
    private ChargerOperation updateFirmware(JsonNode o) {
        String firmwareId = Json.text(o, "operation", "firmwareId", true, 64);
        Instant retrieveAt;
        try {
            retrieveAt = Json.instant(o, "retrieveAt");
        } catch (BadRequest e) {
            throw new BadRequest("operation.retrieveAt", "operation." + e.getMessage());
        }
        Instant at = retrieveAt != null ? retrieveAt : control.clock().instant();
        String url = FirmwareRoutes.link(control, firmwareId, at.plus(FirmwareRoutes.linkValidity(control)));
        return new ChargerOperation.UpdateFirmware(url, at, intField(o, "retries", false),
                intField(o, "retryIntervalSeconds", false));
    }

    /**
     * GetDiagnostics for every target, each with its own upload link (made when its pile is asked: no location
     * here), optionally of a time range ({@code from}, {@code to}).
     */
    private static ChargerOperation diagnostics(JsonNode o) {
        Instant from;
        Instant to;
        try {
            from = Json.instant(o, "from");
            to = Json.instant(o, "to");
        } catch (BadRequest e) {
            throw new BadRequest("operation." + e.field(), "operation." + e.getMessage());
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new BadRequest("operation.to", "operation.to must not be before operation.from");
        }
        return new ChargerOperation.GetDiagnostics(null, intField(o, "retries", false),
                intField(o, "retryIntervalSeconds", false), from, to);
    }

    private static String trigger(String message) {
        if (!List.of("BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
                "MeterValues", "StatusNotification").contains(message)) {
            throw new BadRequest("operation.message", "operation.message must be BootNotification, "
                    + "DiagnosticsStatusNotification, FirmwareStatusNotification, Heartbeat, MeterValues or "
                    + "StatusNotification");
        }
        return message;
    }

    private static Integer connector(JsonNode o, boolean required) {
        Integer c = intField(o, "connectorId", required);
        if (c != null && c < 1) {
            throw new BadRequest("operation.connectorId", "operation.connectorId must be 1 or more");
        }
        return c;
    }

    /** 0 (the whole charger) unless a connector is named. */
    private static int connectorOrCharger(JsonNode o) {
        Integer c = intField(o, "connectorId", false);
        if (c != null && c < 0) {
            throw new BadRequest("operation.connectorId", "operation.connectorId must be 0 (the charger) or more");
        }
        return c == null ? 0 : c;
    }

    private static Integer intField(JsonNode o, String field, boolean required) {
        try {
            return Json.integer(o, field, required);
        } catch (BadRequest e) {
            throw new BadRequest("operation." + field, "operation." + e.getMessage());
        }
    }
}
