package io.chargeplane.gateway.order;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.Control;
import io.chargeplane.control.Result;
import io.chargeplane.control.readside.ReadQueries;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Call;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import io.chargeplane.gateway.api.Paging;
import io.chargeplane.gateway.api.Replies;
import io.chargeplane.gateway.auth.Permission;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Charging orders (S13): every ended session with its charger, id tag, times, energy, tariff version and cost, from the
 * read side; filtered by station, charger, id tag, start time and status, in keyset pages; the same as CSV, streamed
 * page by page; and a receipt per order with electricity and service apart.
 */
public final class OrderRoutes extends AllDirectives {
    private static final Set<String> STATUSES = Set.of("PRICED", "UNPRICED", "FLAGGED");
    /** Rows per page of the CSV stream. */
    private static final int CSV_PAGE = 1000;

    private final Control control;

    public OrderRoutes(Control control) {
        this.control = control;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/orders", Permission.READ, c -> filter(f -> parameterOptional("limit", limit ->
                        parameterOptional("after", after -> {
                            int n = Paging.limit(limit);
                            return Replies.reply(() -> CompletableFuture.supplyAsync(() -> {
                                try {
                                    ReadQueries.Page<ReadQueries.OrderRow> page = control.readQueries().orders(f, n,
                                            after.orElse(null));
                                    return new ReadQueries.Page<>(page.items().stream().map(OrderRoutes::listed)
                                            .toList(), page.next());
                                } catch (java.sql.SQLException e) {
                                    throw new CompletionException(e);
                                } catch (IllegalArgumentException e) {
                                    throw new BadRequest("after", e.getMessage());
                                }
                            }, control.blocking()));
                        })))),
                Endpoint.get("/api/orders.csv", Permission.READ, c -> filter(this::csv)),
                Endpoint.get("/api/orders/{pileId}/{transactionId}", Permission.READ, c -> Replies.reply(() ->
                        one(c).thenApply(r -> r.map(OrderRoutes::listed)))),
                Endpoint.get("/api/orders/{pileId}/{transactionId}/receipt", Permission.READ, c -> Replies.reply(() ->
                        one(c).thenApply(r -> r.isOk() ? receipt(r.value()) : r))));
    }

    private Route filter(java.util.function.Function<ReadQueries.OrderFilter, Route> inner) {
        return parameterOptional("stationId", station -> parameterOptional("pileId", pile -> parameterOptional("idTag",
                tag -> parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("status",
                        status -> {
                            status.ifPresent(s -> {
                                if (!STATUSES.contains(s)) {
                                    throw new BadRequest("status", "status must be PRICED, UNPRICED or FLAGGED");
                                }
                            });
                            return inner.apply(new ReadQueries.OrderFilter(station.orElse(null), pile.orElse(null),
                                    tag.orElse(null), instant(from, "from"), instant(to, "to"), status.orElse(null)));
                        }))))));
    }

    private CompletableFuture<Result<ReadQueries.OrderRow>> one(Call c) {
        int tx;
        try {
            tx = Integer.parseInt(c.param("transactionId"));
        } catch (NumberFormatException e) {
            throw new BadRequest("transactionId", "transactionId must be an integer");
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                ReadQueries.OrderRow r = control.readQueries().order(c.param("pileId"), tx);
                return r != null ? Result.ok(r) : Result.rejected(Result.Reason.NOT_FOUND, null, "no order "
                        + c.param("pileId") + "/" + tx);
            } catch (java.sql.SQLException e) {
                throw new CompletionException(e);
            }
        }, control.blocking());
    }

    /** An order as lists show it (the bill's lines are the receipt's). */
    static Map<String, Object> listed(ReadQueries.OrderRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pileId", r.pileId());
        m.put("transactionId", r.transactionId());
        m.put("stationId", r.stationId());
        m.put("connectorId", r.connectorId());
        m.put("idTag", r.idTag());
        m.put("status", r.total() != null ? "PRICED" : "UNPRICED");
        m.put("startedAt", r.startedAt());
        m.put("stoppedAt", r.stoppedAt());
        m.put("meterStart", r.meterStart());
        m.put("meterStop", r.meterStop());
        m.put("energyWh", r.energyWh());
        m.put("durationSeconds", r.stoppedAt() == null ? null
                : java.time.Duration.between(r.startedAt(), r.stoppedAt()).toSeconds());
        m.put("stopReason", r.stopReason());
        m.put("endedBy", r.endedBy());
        m.put("tariffScope", r.tariffScope());
        m.put("tariffVersion", r.tariffVersion());
        m.put("currency", r.currency());
        m.put("electricity", r.electricity());
        m.put("service", r.service());
        m.put("idle", r.idle());
        m.put("total", r.total());
        m.put("flags", r.flags());
        m.put("ratedCount", r.ratedCount());
        m.values().removeIf(java.util.Objects::isNull);
        return m;
    }

    /** The receipt: the order, then each line of the bill (electricity and service fee apart), then the totals. */
    static Object receipt(ReadQueries.OrderRow r) {
        if (r.billJson() == null) {
            return Result.rejected(Result.Reason.CONFLICT, null, "order " + r.pileId() + "/" + r.transactionId()
                    + (r.stoppedAt() == null ? " is still charging" : " has no bill: no tariff applied when it started"
                    + (r.flags() == null ? "" : " (" + r.flags() + ")")));
        }
        JsonNode bill = Json.parse(r.billJson());
        Map<String, Object> m = new LinkedHashMap<>(listed(r));
        m.put("lines", bill.get("lines"));
        m.put("energyKwh", bill.get("energyKwh"));
        return m;
    }

    private Route csv(ReadQueries.OrderFilter f) {
        Source<ByteString, NotUsed> rows = Source.unfoldAsync(Optional.<String>empty(), cursor -> {
            if (cursor.isPresent() && cursor.get().isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty()); // the last page was sent
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    ReadQueries.Page<ReadQueries.OrderRow> page = control.readQueries().orders(f, CSV_PAGE,
                            cursor.orElse(null));
                    StringBuilder out = new StringBuilder();
                    if (cursor.isEmpty()) {
                        out.append("pileId,transactionId,stationId,connectorId,idTag,status,startedAt,stoppedAt,"
                                + "energyWh,stopReason,tariffScope,tariffVersion,currency,electricity,service,idle,"
                                + "total,flags\r\n");
                    }
                    for (ReadQueries.OrderRow r : page.items()) {
                        out.append(cells(r.pileId(), r.transactionId(), r.stationId(), r.connectorId(), r.idTag(),
                                r.status(), r.startedAt(), r.stoppedAt(), r.energyWh(), r.stopReason(), r.tariffScope(),
                                r.tariffVersion(), r.currency(), r.electricity(), r.service(), r.idle(), r.total(),
                                r.flags())).append("\r\n");
                    }
                    String next = page.next() == null ? "" : page.next();
                    return Optional.of(Pair.create(Optional.of(next), ByteString.fromString(out.toString(),
                            StandardCharsets.UTF_8)));
                } catch (java.sql.SQLException e) {
                    throw new CompletionException(e);
                }
            }, control.blocking());
        });
        return respondWithHeader(HttpHeader.parse("Content-Disposition", "attachment; filename=\"orders.csv\""),
                () -> complete(org.apache.pekko.http.javadsl.model.HttpResponse.create().withEntity(
                        HttpEntities.createChunked(ContentTypes.TEXT_CSV_UTF8, rows))));
    }

    /** RFC 4180 cells; a text cell that a spreadsheet would run as a formula is quoted with a leading apostrophe. */
    static String cells(Object... values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            Object v = values[i];
            if (v == null) {
                continue;
            }
            String t = v instanceof BigDecimal d ? d.toPlainString() : v.toString();
            if (!t.isEmpty() && "=+-@".indexOf(t.charAt(0)) >= 0 && !(v instanceof Number)) {
                t = "'" + t;
            }
            if (t.contains(",") || t.contains("\"") || t.contains("\n") || t.contains("\r")) {
                t = "\"" + t.replace("\"", "\"\"") + "\"";
            }
            b.append(t);
        }
        return b.toString();
    }

    private static Instant instant(Optional<String> text, String field) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text.get());
        } catch (DateTimeParseException e) {
            throw new BadRequest(field, field + " must be an instant such as 2027-01-01T00:00:00Z");
        }
    }
}
