package io.chargeplane.gateway.charger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Json;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Bulk registration of chargers from CSV, one row per charger, each row through the same save saga as a single
 * charger (so a failed row leaves nothing behind), with a report per row naming the failing field.
 *
 * <pre>
 * pileId,chargerNumber,stationId,model,maxPowerKw,connectors,deviceIdentity
 * P-1,CN-0001,ST-1,Wallbox 22,22,Type 2:22|Type 2:22,CP-0001
 * </pre>
 * {@code connectors}: {@code type:powerKw} separated by {@code |}, connector ids by position. {@code pileId} and
 * {@code deviceIdentity} may be empty.
 */
final class ChargerImport {
    static final int MAX_ROWS = 5000;
    static final Set<String> REQUIRED = Set.of("chargerNumber", "stationId", "model", "maxPowerKw", "connectors");
    /**
     * Rows in flight at once: the saga of each is a few entity round trips, mostly waiting for commits. With 8, a
     * file of 5,000 rows took longer than 20 s on a 2-core node.
     */
    private static final int LANES = 32;

    private ChargerImport() {
    }

    /** One row's outcome. {@code field} and {@code detail} only for failed rows. */
    record RowResult(long line, String pileId, String chargerNumber, String outcome, Integer status, String field,
                     String detail) {
    }

    record Report(int rows, int saved, int failed, List<RowResult> results) {
    }

    static CompletionStage<Report> run(String csv, BiFunction<String, ChargerDetails, CompletionStage<Result<ChargerView>>> save) {
        List<CSVRecord> records;
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get().parse(new StringReader(csv))) {
            for (String column : REQUIRED) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new BadRequest("csv", "the header must name the columns " + REQUIRED
                            + " (and may name pileId, deviceIdentity); missing: " + column);
                }
            }
            records = parser.getRecords();
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new BadRequest("csv", "unreadable CSV: " + e.getMessage());
        }
        if (records.size() > MAX_ROWS) {
            throw new BadRequest("csv", "at most " + MAX_ROWS + " rows per import; got " + records.size());
        }
        RowResult[] results = new RowResult[records.size()];
        // rows run in parallel lanes: a number, pile or device repeated within the file goes to its first row
        Map<String, Long> firstUse = new java.util.HashMap<>();
        boolean[] duplicate = new boolean[records.size()];
        for (int i = 0; i < records.size(); i++) {
            CSVRecord r = records.get(i);
            for (String column : List.of("chargerNumber", "pileId", "deviceIdentity")) {
                String v = r.isMapped(column) && r.isSet(column) ? r.get(column) : null;
                if (v == null || v.isBlank()) {
                    continue;
                }
                Long first = firstUse.putIfAbsent(column + "=" + v, r.getRecordNumber() + 1);
                if (first != null && !duplicate[i]) {
                    duplicate[i] = true;
                    results[i] = new RowResult(r.getRecordNumber() + 1, r.isSet("pileId") ? r.get("pileId") : null,
                            r.get("chargerNumber"), "failed", 409, column, column + " " + v + " is already used on line " + first);
                }
            }
        }
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < LANES; lane++) {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = lane; i < records.size(); i += LANES) {
                int index = i;
                if (duplicate[i]) {
                    continue;
                }
                chain = chain.thenCompose(v -> row(records.get(index), save)
                        .thenAccept(r -> results[index] = r).toCompletableFuture());
            }
            lanes.add(chain);
        }
        return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<RowResult> all = List.of(results);
            int saved = (int) all.stream().filter(r -> r.outcome().equals("saved")).count();
            return new Report(all.size(), saved, all.size() - saved, all);
        });
    }

    private static CompletionStage<RowResult> row(CSVRecord r, BiFunction<String, ChargerDetails, CompletionStage<Result<ChargerView>>> save) {
        long line = r.getRecordNumber() + 1; // the header is line 1
        Map<String, String> values = new LinkedHashMap<>();
        r.toMap().forEach((k, v) -> values.put(k, v == null || v.isBlank() ? null : v));
        String pileId = values.get("pileId") != null ? values.get("pileId") : UUID.randomUUID().toString();
        String number = values.get("chargerNumber");
        ChargerDetails details;
        try {
            if (!ChargerDetails.NUMBER.matcher(pileId).matches()) {
                throw new BadRequest("pileId", "pileId must be 1-64 characters of [A-Za-z0-9._-]");
            }
            details = ChargerRoutes.details(json(values));
        } catch (BadRequest e) {
            return CompletableFuture.completedFuture(new RowResult(line, pileId, number, "failed", 400, e.field(), e.getMessage()));
        }
        return save.apply(pileId, details).handle((res, err) -> {
            if (err != null) {
                return new RowResult(line, pileId, number, "failed", 500, null, String.valueOf(err.getMessage()));
            }
            if (!res.isOk()) {
                return new RowResult(line, pileId, number, "failed", io.chargeplane.gateway.api.Problem.status(res.rejection().reason()), res.rejection().field(),
                        res.rejection().detail());
            }
            return new RowResult(line, pileId, number, "saved", null, null, null);
        });
    }

    /** The row as the JSON body of a single charger save, so that both are read (and fail) the same way. */
    private static ObjectNode json(Map<String, String> v) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        putText(o, "chargerNumber", v.get("chargerNumber"));
        putText(o, "stationId", v.get("stationId"));
        putText(o, "model", v.get("model"));
        putText(o, "deviceIdentity", v.get("deviceIdentity"));
        if (v.get("maxPowerKw") != null) {
            try {
                o.put("maxPowerKw", Double.parseDouble(v.get("maxPowerKw")));
            } catch (NumberFormatException e) {
                throw new BadRequest("maxPowerKw", "maxPowerKw must be a number");
            }
        }
        if (v.get("connectors") != null) {
            ArrayNode list = o.putArray("connectors");
            String[] plugs = v.get("connectors").split("\\|");
            for (int i = 0; i < plugs.length; i++) {
                String[] p = plugs[i].split(":");
                String at = "connectors[" + i + "]";
                if (p.length != 2) {
                    throw new BadRequest(at, at + " must be type:powerKw, e.g. Type 2:22");
                }
                ObjectNode c = list.addObject().put("connectorId", i + 1).put("type", p[0].trim());
                try {
                    c.put("powerKw", Double.parseDouble(p[1].trim()));
                } catch (NumberFormatException e) {
                    throw new BadRequest(at + ".powerKw", at + ".powerKw must be a number");
                }
            }
        }
        return o;
    }

    private static void putText(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }
}
