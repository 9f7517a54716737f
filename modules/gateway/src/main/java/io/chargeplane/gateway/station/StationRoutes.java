package io.chargeplane.gateway.station;

import static io.chargeplane.gateway.api.Replies.versioned;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.Control;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.readside.ReadQueries;
import io.chargeplane.control.review.Diff;
import io.chargeplane.control.review.SaveMode;
import io.chargeplane.control.station.StationDetails;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Stations (S2-S4): create and edit (draft, submit for review, or apply directly when the role may), read with
 * an ETag, optimistic concurrency with If-Match (412), the reviewer's view of a pending change with its field
 * differences, approve / reject (not one's own change), decommission.
 */
public final class StationRoutes extends AllDirectives {
    private static final Pattern STATION_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    private static final Duration ASK = Duration.ofSeconds(10);

    private final Control control;

    public StationRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/stations", Permission.EDIT_STATIONS, c -> withBody(b -> {
                    String id = Json.text(b, "stationId", false, 64);
                    if (id == null) {
                        id = UUID.randomUUID().toString();
                    } else if (!STATION_ID.matcher(id).matches()) {
                        throw new BadRequest("stationId", "stationId must be 1-64 characters of [A-Za-z0-9._-]");
                    }
                    return save(c, id, true, b, null);
                })),
                Endpoint.get("/api/stations", Permission.READ, this::list),
                Endpoint.get("/api/stations/{stationId}", Permission.READ,
                        c -> versioned(() -> station(c).ask(StationEntity.Get::new, ASK), StationEntity.StationView::version)),
                Endpoint.put("/api/stations/{stationId}", Permission.EDIT_STATIONS, c -> optionalHeaderValueByName("If-Match",
                        ifMatch -> withBody(b -> save(c, c.param("stationId"), false, b, Replies.ifMatch(ifMatch))))),
                Endpoint.get("/api/stations/{stationId}/review", Permission.READ, c -> Replies.reply(() -> station(c)
                        .<Result<StationEntity.StationView>>ask(StationEntity.Get::new, ASK).thenApply(this::review))),
                Endpoint.post("/api/stations/{stationId}/approve", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    String comment = Json.text(b, "comment", false, 1000);
                    return versioned(() -> station(c).ask(r -> new StationEntity.Approve(changeId, comment, origin(c),
                            control.clock().instant(), r), ASK), StationEntity.StationView::version);
                })),
                Endpoint.post("/api/stations/{stationId}/reject", Permission.APPROVE_CHANGES, c -> withBody(b -> {
                    String changeId = Json.text(b, "changeId", true, 64);
                    String comment = Json.text(b, "comment", true, 1000);
                    return versioned(() -> station(c).ask(r -> new StationEntity.Reject(changeId, comment, origin(c),
                            control.clock().instant(), r), ASK), StationEntity.StationView::version);
                })),
                Endpoint.post("/api/stations/{stationId}/decommission", Permission.APPROVE_CHANGES,
                        c -> optionalHeaderValueByName("If-Match", ifMatch -> {
                            Long expected = Replies.ifMatch(ifMatch);
                            return versioned(() -> station(c).ask(r -> new StationEntity.Decommission(expected, origin(c),
                                    control.clock().instant(), r), ASK), StationEntity.StationView::version);
                        })));
    }

    /** {@code ?q=name part&city=&status=&bbox=minLat,minLon,maxLat,maxLon&limit=&after=} from the read side. */
    private Route list(Call c) {
        return parameterOptional("q", q -> parameterOptional("city", city -> parameterOptional("status", status ->
                parameterOptional("bbox", bbox -> parameterOptional("limit", limit -> parameterOptional("after", after -> {
                    if (status.isPresent()) {
                        try {
                            StationEntity.Status.valueOf(status.get());
                        } catch (IllegalArgumentException e) {
                            throw new BadRequest("status", "status must be one of DRAFT, PENDING_REVIEW, ACTIVE, REJECTED, "
                                    + "DECOMMISSIONED");
                        }
                    }
                    ReadQueries.StationFilter f = new ReadQueries.StationFilter(q.orElse(null), city.orElse(null),
                            status.orElse(null), bbox.map(StationRoutes::box).orElse(null));
                    int n = Paging.limit(limit);
                    return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                        try {
                            return control.readQueries().stations(f, n, after.orElse(null));
                        } catch (java.sql.SQLException e) {
                            throw new CompletionException(e);
                        }
                    }, control.blocking()));
                }))))));
    }

    private static ReadQueries.Box box(String text) {
        String[] p = text.split(",");
        try {
            if (p.length == 4) {
                ReadQueries.Box b = new ReadQueries.Box(Double.parseDouble(p[0]), Double.parseDouble(p[1]),
                        Double.parseDouble(p[2]), Double.parseDouble(p[3]));
                if (b.minLat() >= -90 && b.maxLat() <= 90 && b.minLat() <= b.maxLat() && b.minLon() >= -180
                        && b.maxLon() <= 180 && b.minLon() <= b.maxLon()) {
                    return b;
                }
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new BadRequest("bbox", "bbox must be minLat,minLon,maxLat,maxLon (south-west and north-east corners)");
    }

    private Route save(Call c, String stationId, boolean create, JsonNode b, Long expectedVersion) {
        SaveMode mode = SaveModes.allowed(Json.text(b, "mode", true, 10), c);
        StationDetails details = details(b);
        for (String photo : details.photos()) {
            if (!control.blobs().exists(photo)) {
                throw new BadRequest("photos", "no uploaded photo " + photo + ": upload it with POST /api/photos first");
            }
        }
        return versioned(() -> control.sharding().entityRefFor(StationEntity.ENTITY_KEY, stationId)
                        .ask(r -> new StationEntity.Save(create, details, mode, expectedVersion, origin(c),
                                control.clock().instant(), r), ASK),
                StationEntity.StationView::version);
    }

    /** The JSON body's station fields; types are checked here, ranges and formats by {@link StationDetails}. */
    static StationDetails details(JsonNode b) {
        JsonNode a = Json.object(b, "address", true);
        StationDetails.Address address = new StationDetails.Address(
                Json.text(a, "address", "line1", true, 200), Json.text(a, "address", "line2", false, 200),
                Json.text(a, "address", "postalCode", false, 20), Json.text(a, "address", "city", true, 100),
                Json.text(a, "address", "country", true, 2));
        StationDetails d = new StationDetails(Json.text(b, "name", true, 120), address,
                Json.decimal(b, "latitude", true), Json.decimal(b, "longitude", true), Json.text(b, "timeZone", true, 64),
                Json.text(b, "phone", false, 25), Json.text(b, "openingHours", false, 255),
                Json.strings(b, "photos", StationDetails.MAX_PHOTOS, 64));
        d.validate().ifPresent(r -> {
            throw new BadRequest(r.field(), r.detail());
        });
        return d;
    }

    /** What a reviewer sees: the change waiting, field by field against the live details. */
    private Object review(Result<StationEntity.StationView> r) {
        if (!r.isOk()) {
            return r;
        }
        StationEntity.StationView v = r.value();
        if (v.pending() == null) {
            return Result.rejected(Result.Reason.NOT_FOUND, null, "no change of station " + v.stationId() + " is waiting for review");
        }
        List<Diff.FieldChange> changes = Diff.between(v.live(), v.pending().proposed());
        return Map.of("stationId", v.stationId(), "changeId", v.pending().changeId(),
                "submittedBy", v.pending().submittedBy(), "submittedAt", v.pending().submittedAt(),
                "changes", changes, "version", v.version());
    }

    private EntityRef<StationEntity.Command> station(Call c) {
        return control.sharding().entityRefFor(StationEntity.ENTITY_KEY, c.param("stationId"));
    }

    private static Origin origin(Call c) {
        return new Origin(c.by(), c.remoteAddress());
    }

    private Route withBody(Function<JsonNode, Route> handler) {
        return entity(Unmarshaller.entityToString(), text -> handler.apply(Json.parse(text)));
    }
}
