package io.chargeplane.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the REST API in tests. */
final class Rest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final String base;

    Rest(ChargePlaneNode node) {
        this.base = "http://127.0.0.1:" + node.port();
    }

    record Reply(int status, JsonNode body, String contentType) {
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    JsonNode ok(Reply r) {
        if (r.status() != 200) {
            throw new AssertionError("expected 200, got " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /** Creates pile {@code pileId} and binds {@code identity} to it. */
    void pileWithDevice(String pileId, String identity) {
        ok(post("/api/piles", "{\"pileId\":\"" + pileId + "\",\"chargerNumber\":\"CN-" + pileId + "\"}"));
        ok(put("/api/piles/" + pileId + "/device", "{\"identity\":\"" + identity + "\"}"));
    }

    void idTag(String tag, String status) {
        ok(put("/api/id-tags/" + tag, "{\"status\":\"" + status + "\"}"));
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? null : OcppJson.MAPPER.readTree(r.body());
            return new Reply(r.statusCode(), body, r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
