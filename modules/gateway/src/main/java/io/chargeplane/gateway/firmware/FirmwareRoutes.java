package io.chargeplane.gateway.firmware;

import io.chargeplane.control.Control;
import io.chargeplane.control.firmware.FirmwareFiles;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Problem;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
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
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/**
 * Firmware files: operators upload them ({@code POST /api/firmware?fileName=&version=}, the file as the body, at
 * most {@code chargeplane.firmware.max-size}; its SHA-256 is its id) and list them; chargers download them by the
 * link an UpdateFirmware carries ({@code GET /api/firmware/<token>/<file name>}, no sign-in: the token in the path is
 * the authority, and it expires).
 */
public final class FirmwareRoutes extends AllDirectives {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+-]{1,50}");

    private final Control control;
    private final long maxBytes;

    public FirmwareRoutes(Control control) {
        this.control = control;
        this.maxBytes = control.system().settings().config().getBytes("chargeplane.firmware.max-size");
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/firmware", Permission.SEND_COMMANDS, c -> parameterOptional("fileName", name ->
                        parameterOptional("version", version -> {
                            String fileName = checked(name, FILE_NAME, "fileName",
                                    "letters, digits, dot, dash and underscore, at most 100");
                            String v = checked(version, VERSION, "version", "letters, digits and ._+-, at most 50");
                            return withSizeLimit(maxBytes + 1, () -> extractMaterializer(mat -> extractRequestEntity(
                                    entity -> onComplete(entity.toStrict(120_000, mat), strict -> {
                                        if (strict.isFailure() || strict.get().getData().size() > maxBytes) {
                                            return Replies.problem(Problem.of(413, "a firmware file may have at most "
                                                    + maxBytes + " bytes", "file"));
                                        }
                                        byte[] bytes = strict.get().getData().toArray();
                                        if (bytes.length == 0) {
                                            return Replies.problem(Problem.of(400, "the firmware file is empty", "file"));
                                        }
                                        return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                                            try {
                                                return control.firmware().upload(bytes, fileName, v, c.origin(),
                                                        control.clock().instant());
                                            } catch (java.sql.SQLException e) {
                                                throw new CompletionException(e);
                                            }
                                        }, control.blocking()));
                                    }))));
                        }))),
                Endpoint.get("/api/firmware", Permission.READ, c -> Replies.reply(() -> CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return Map.of("items", control.firmware().list(500));
                            } catch (java.sql.SQLException e) {
                                throw new CompletionException(e);
                            }
                        }, control.blocking()))),
                Endpoint.get("/api/firmware/{token}/{fileName}", Permission.PUBLIC, c -> onSuccess(
                        CompletableFuture.supplyAsync(() -> download(c.param("token")), control.blocking()),
                        found -> found.isEmpty()
                                ? Replies.problem(Problem.of(404, "no such firmware link, or it has expired", null))
                                : complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM,
                                        found.get())))));
    }

    private Optional<byte[]> download(String token) {
        try {
            return control.firmware().check(token, control.clock().instant()).flatMap(control.firmware()::content);
        } catch (java.sql.SQLException e) {
            throw new CompletionException(e);
        }
    }

    private static String checked(Optional<String> value, Pattern pattern, String field, String rule) {
        if (value.isEmpty() || !pattern.matcher(value.get()).matches()) {
            throw new BadRequest(field, field + " is required: " + rule + " characters");
        }
        return value.get();
    }

    /**
     * The link a charger fetches {@code firmwareId} by, valid until {@code until}, under the configured public base
     * URL; a 409 when that is not set (chargers are never on localhost) and a 404 for an unknown file.
     */
    public static String link(Control control, String firmwareId, Instant until) {
        try {
            FirmwareFiles.FirmwareFile f = control.firmware().get(firmwareId).orElseThrow(() ->
                    new BadRequest(404, "operation.firmwareId", "no firmware " + firmwareId));
            return publicLink(() -> control.publicLinks().link("/api/firmware/", firmwareId, until,
                    "/" + f.fileName()), "operation.firmwareId");
        } catch (java.sql.SQLException e) {
            throw new CompletionException(e);
        }
    }

    /** A link made for a charger, or a 409 naming {@code field} when it cannot be (no public base URL, too long). */
    public static String publicLink(LinkMaker make, String field) {
        try {
            return make.make();
        } catch (io.chargeplane.control.blob.PublicLinks.Unavailable e) {
            throw new BadRequest(409, field, e.getMessage());
        } catch (java.sql.SQLException e) {
            throw new CompletionException(e);
        }
    }

    @FunctionalInterface
    public interface LinkMaker {
        String make() throws java.sql.SQLException;
    }

    /** How long a link works after the update's retrieve date. */
    public static Duration linkValidity(Control control) {
        return control.system().settings().config().getDuration("chargeplane.firmware.link-validity");
    }
}
