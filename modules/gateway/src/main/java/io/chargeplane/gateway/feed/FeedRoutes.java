package io.chargeplane.gateway.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.chargeplane.control.feed.EventFeed;
import io.chargeplane.control.feed.FeedEvent;
import io.chargeplane.control.feed.FeedFilter;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import io.chargeplane.gateway.auth.Permission;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/events}: the live feed as server-sent events. Each event's {@code id} is its place in the
 * journal's order: a client that comes back with {@code Last-Event-ID} (the header browsers send, or the
 * {@code lastEventId} parameter) gets exactly what it missed. Filters: {@code stationId}, {@code chargerId},
 * {@code kind}, each a comma-separated list. The stream opens with a {@code ready} event, carries a comment line
 * when idle, and ends after a {@code reset} event for a client too far behind.
 */
public final class FeedRoutes extends AllDirectives {
    static final Set<String> KINDS = Set.of("batch", "batch.target", "charger", "charger.connection", "charger.status");
    private static final ByteString KEEP_ALIVE = ByteString.fromString(": keep-alive\n\n");

    private final EventFeed feed;

    public FeedRoutes(EventFeed feed) {
        this.feed = feed;
    }

    public List<Endpoint> endpoints() {
        return List.of(Endpoint.get("/api/events", Permission.READ, c -> parameterOptional("stationId", stations ->
                parameterOptional("chargerId", chargers -> parameterOptional("kind", kinds ->
                        parameterOptional("lastEventId", param -> optionalHeaderValueByName("Last-Event-ID", header ->
                                events(new FeedFilter(list(stations), list(chargers), kinds(kinds)),
                                        lastEventId(header.isPresent() ? header : param)))))))));
    }

    private Route events(FeedFilter filter, Long lastEventId) {
        var bytes = feed.subscribe(lastEventId, filter).map(FeedRoutes::encode)
                .keepAlive(feed.settings().keepAlive(), () -> KEEP_ALIVE);
        return complete(HttpResponse.create()
                .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), bytes))
                .addHeader(HttpHeader.parse("Cache-Control", "no-cache"))
                .addHeader(HttpHeader.parse("X-Accel-Buffering", "no")));
    }

    /** One item in the text/event-stream format (JSON has no line breaks, so data is one line). */
    static ByteString encode(EventFeed.Item item) {
        StringBuilder b = new StringBuilder();
        if (item instanceof EventFeed.Event ev) {
            FeedEvent e = ev.event();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", e.id());
            body.put("kind", e.kind());
            body.put("stationId", e.stationId());
            body.put("chargerId", e.chargerId());
            body.put("batchId", e.batchId());
            body.put("at", e.at());
            body.put("data", e.data());
            b.append("id: ").append(e.id()).append("\nevent: ").append(e.kind()).append("\ndata: ").append(json(body));
        } else if (item instanceof EventFeed.Ready r) {
            b.append("retry: 3000\nid: ").append(r.lastEventId()).append("\nevent: ready\ndata: ")
                    .append(json(Map.of("lastEventId", r.lastEventId())));
        } else {
            b.append("event: reset\ndata: ").append(json(Map.of("reason", ((EventFeed.Reset) item).reason())));
        }
        return ByteString.fromString(b.append("\n\n").toString());
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> list(Optional<String> csv) {
        if (csv.isEmpty() || csv.get().isBlank()) {
            return Set.of();
        }
        return Arrays.stream(csv.get().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    private static Set<String> kinds(Optional<String> csv) {
        Set<String> kinds = list(csv);
        for (String k : kinds) {
            if (!KINDS.contains(k)) {
                throw new BadRequest("kind", "unknown kind " + k + "; kinds are " + String.join(", ",
                        KINDS.stream().sorted().toList()));
            }
        }
        return kinds;
    }

    private static Long lastEventId(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.get().trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new BadRequest("Last-Event-ID", "Last-Event-ID must be the id of an event of this feed (a whole number)");
    }
}
