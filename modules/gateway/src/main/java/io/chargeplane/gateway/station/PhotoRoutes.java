package io.chargeplane.gateway.station;

import io.chargeplane.control.Control;
import io.chargeplane.control.blob.Images;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Problem;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/**
 * Station photos: a JPEG or PNG upload (the raw image as the request body, at most max-photo-size, recognised
 * by its content) answers its id, which station details list under {@code photos}; the file is served back.
 */
public final class PhotoRoutes extends AllDirectives {
    private final Control control;
    private final long maxBytes;

    public PhotoRoutes(Control control) {
        this.control = control;
        this.maxBytes = control.system().settings().config().getBytes("chargeplane.blobs.max-photo-size");
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/photos", Permission.EDIT_STATIONS, c -> extractMaterializer(mat ->
                        extractRequestEntity(entity -> onComplete(entity.toStrict(10_000, mat), strict -> {
                            // read whole (up to the server's max-content-length) so that the 413 reaches the client
                            if (strict.isFailure() || strict.get().getData().size() > maxBytes) {
                                return Replies.problem(Problem.of(413, "a photo may have at most " + maxBytes + " bytes", "photo"));
                            }
                            byte[] bytes = strict.get().getData().toArray();
                            Optional<Images.Kind> kind = Images.sniff(bytes);
                            if (kind.isEmpty()) {
                                return Replies.problem(Problem.of(415, "a photo must be a JPEG or PNG image (recognised by "
                                        + "its content) of at most " + Images.MAX_SIDE + " pixels a side", "photo"));
                            }
                            return Replies.reply(() -> CompletableFuture.supplyAsync(() -> Map.of(
                                    "photoId", control.blobs().put(bytes), "mediaType", kind.get().mediaType(),
                                    "width", kind.get().width(), "height", kind.get().height(), "bytes", bytes.length),
                                    control.blocking()));
                        })))),
                Endpoint.get("/api/photos/{photoId}", Permission.READ, c -> onSuccess(CompletableFuture.supplyAsync(
                        () -> control.blobs().get(c.param("photoId")), control.blocking()), found -> {
                    if (found.isEmpty()) {
                        return Replies.problem(Problem.of(404, "no photo " + c.param("photoId"), null));
                    }
                    String type = Images.sniff(found.get()).map(Images.Kind::mediaType).orElse("application/octet-stream");
                    return respondWithHeader(HttpHeader.parse("Cache-Control", "private, max-age=31536000, immutable"),
                            () -> complete(StatusCodes.OK, HttpEntities.create(type.equals("image/png")
                                    ? ContentTypes.create(MediaTypes.IMAGE_PNG) : ContentTypes.create(MediaTypes.IMAGE_JPEG),
                                    found.get())));
                })));
    }
}
