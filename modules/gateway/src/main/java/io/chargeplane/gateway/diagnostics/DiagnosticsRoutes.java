package io.chargeplane.gateway.diagnostics;

import io.chargeplane.control.Control;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.CommandResult;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.diagnostics.DiagnosticsFiles;
import io.chargeplane.gateway.api.ApiRoutes;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import io.chargeplane.gateway.api.Problem;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.api.dto.CommandOutcome;
import io.chargeplane.gateway.auth.Permission;
import io.chargeplane.gateway.firmware.FirmwareRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Diagnostics: an operator asks a charger for them ({@code POST /api/chargers/{pileId}/diagnostics}: GetDiagnostics
 * with an upload link under the public base URL, the charger's id in its signed, expiring token); the charger
 * uploads its file there by HTTP PUT or POST (the raw file as the body; an FTP-only charger needs an FTP server in
 * front); operators list and download what came ({@code GET /api/diagnostics}, {@code GET /api/diagnostics/{id}}).
 */
public final class DiagnosticsRoutes extends AllDirectives {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Duration ASK = Duration.ofSeconds(20);

    private final Control control;
    private final long maxBytes;

    public DiagnosticsRoutes(Control control) {
        this.control = control;
        this.maxBytes = control.system().settings().config().getBytes("chargeplane.diagnostics.max-size");
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/chargers/{pileId}/diagnostics", Permission.SEND_COMMANDS,
                        c -> Replies.body(b -> request(c.param("pileId"), b, c.origin()))),
                Endpoint.put("/api/diagnostics/{token}/{fileName}", Permission.PUBLIC,
                        c -> upload(c.param("token"), c.param("fileName"))),
                Endpoint.post("/api/diagnostics/{token}/{fileName}", Permission.PUBLIC,
                        c -> upload(c.param("token"), c.param("fileName"))),
                Endpoint.get("/api/diagnostics", Permission.READ, c -> parameterOptional("pileId", pile ->
                        Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                            try {
                                return Map.of("items", control.diagnostics().list(pile.orElse(null), 500));
                            } catch (java.sql.SQLException e) {
                                throw new CompletionException(e);
                            }
                        }, control.blocking())))),
                Endpoint.get("/api/diagnostics/{diagnosticsId}", Permission.READ, c -> onSuccess(
                        CompletableFuture.supplyAsync(() -> file(c.param("diagnosticsId")), control.blocking()),
                        found -> found.isEmpty()
                                ? Replies.problem(Problem.of(404, "no diagnostics " + c.param("diagnosticsId"), null))
                                : respondWithHeader(HttpHeader.parse("Content-Disposition", "attachment; filename=\""
                                        + found.get().getKey().fileName() + "\""), () -> complete(StatusCodes.OK,
                                        HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM,
                                                found.get().getValue()))))));
    }

    private java.util.concurrent.CompletionStage<?> request(String pileId, com.fasterxml.jackson.databind.JsonNode b,
                                                          io.chargeplane.control.Origin origin) {
        Instant from = Json.instant(b, "from");
        Instant to = Json.instant(b, "to");
        Integer retries = Json.integer(b, "retries", false);
        Duration wait = ApiRoutes.offlineWait(b);
        String location = FirmwareRoutes.publicLink(() -> control.diagnostics().uploadLink(pileId,
                control.clock().instant(), wait), "pileId");
        return control.sharding().entityRefFor(PileEntity.ENTITY_KEY, pileId).<Result<CommandResult>>ask(
                r -> new PileCommand.SubmitCommand(new ChargerOperation.GetDiagnostics(location, retries, null, from, to),
                        origin, wait, r), ASK)
                .thenApply(r -> r.map(CommandOutcome::of)
                        .map(o -> o.awaitingAnswer() ? (Object) new Replies.Accepted(o) : o));
    }

    private Route upload(String token, String fileName) {
        if (!FILE_NAME.matcher(fileName).matches()) {
            return Replies.problem(Problem.of(400, "the file name must be letters, digits and ._- only", "fileName"));
        }
        Optional<String> pile;
        try {
            pile = control.diagnostics().uploader(token, control.clock().instant());
        } catch (java.sql.SQLException e) {
            throw new CompletionException(e);
        }
        if (pile.isEmpty()) {
            return Replies.problem(Problem.of(404, "no such upload link, or it has expired", null));
        }
        String pileId = pile.get();
        return withSizeLimit(maxBytes + 1, () -> extractMaterializer(mat -> extractRequestEntity(entity ->
                onComplete(entity.toStrict(120_000, mat), strict -> {
                    if (strict.isFailure() || strict.get().getData().size() > maxBytes) {
                        return Replies.problem(Problem.of(413, "a diagnostics file may have at most " + maxBytes
                                + " bytes", null));
                    }
                    byte[] bytes = strict.get().getData().toArray();
                    return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                        try {
                            DiagnosticsFiles.DiagnosticsFile f = control.diagnostics().store(pileId, fileName, bytes,
                                    control.clock().instant());
                            return Map.of("diagnosticsId", f.diagnosticsId(), "sizeBytes", f.sizeBytes());
                        } catch (java.sql.SQLException e) {
                            throw new CompletionException(e);
                        }
                    }, control.blocking()));
                }))));
    }

    private Optional<Map.Entry<DiagnosticsFiles.DiagnosticsFile, byte[]>> file(String id) {
        try {
            return control.diagnostics().get(id).flatMap(f -> control.diagnostics().content(f).map(b -> Map.entry(f, b)));
        } catch (java.sql.SQLException e) {
            throw new CompletionException(e);
        }
    }
}
