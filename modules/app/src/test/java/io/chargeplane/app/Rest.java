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
    private final String token;

    /** Signed in as the node's first administrator. */
    Rest(ChargePlaneNode node) {
        this("http://127.0.0.1:" + node.port(), "admin", TestNodes.ADMIN_PASSWORD);
    }

    private Rest(String base, String username, String password) {
        this.base = base;
        this.token = username == null ? null : login(base, username, password);
    }

    /** Signed in as the given account of a server at {@code base} (e.g. {@code http://127.0.0.1:8080}). */
    static Rest at(String base, String username, String password) {
        return new Rest(base, username, password);
    }

    /** Signed in as the given account of the node. */
    static Rest signedIn(ChargePlaneNode node, String username, String password) {
        return new Rest("http://127.0.0.1:" + node.port(), username, password);
    }

    /** Signed in as another account. */
    Rest as(String username, String password) {
        return new Rest(base, username, password);
    }

    /** Without any token. */
    Rest anonymous() {
        return new Rest(base, null, null);
    }

    String token() {
        return token;
    }

    /** Where the server is, e.g. {@code http://127.0.0.1:8080}. */
    String base() {
        return base;
    }

    private static String login(String base, String username, String password) {
        Reply r = new Rest(base, null, null).post("/api/auth/login",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        if (r.status() != 200) {
            throw new AssertionError("login as " + username + " failed: " + r.status() + " " + r.body());
        }
        return r.body().get("token").asText();
    }

    record Reply(int status, JsonNode body, String contentType) {
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    Reply send(String method, String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply sendWithHeader(String method, String path, String json, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header(header, value)
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply postText(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)), contentType);
    }

    Reply postBytes(String path, byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), contentType);
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

    /** The station the test chargers stand at (created once per server). */
    static final String TEST_STATION = "ST-TEST";

    /** Creates {@link #TEST_STATION} directly unless it exists. */
    void testStation() {
        Reply r = post("/api/stations", "{\"mode\":\"direct\",\"stationId\":\"" + TEST_STATION + "\",\"name\":\"Test depot\","
                + "\"address\":{\"line1\":\"Main St 1\",\"city\":\"Hamburg\",\"country\":\"DE\"},\"latitude\":53.55,"
                + "\"longitude\":10.0,\"timeZone\":\"Europe/Berlin\"}");
        if (r.status() != 200 && r.status() != 409) {
            throw new AssertionError("test station not created: " + r.status() + " " + r.body());
        }
    }

    /** The body of a charger of {@link #TEST_STATION}: number {@code CN-pileId}, one Type 2 connector. */
    static String chargerBody(String mode, String pileId, String identity) {
        return "{\"mode\":\"" + mode + "\",\"pileId\":\"" + pileId + "\",\"chargerNumber\":\"CN-" + pileId
                + "\",\"stationId\":\"" + TEST_STATION + "\",\"model\":\"AC22\",\"maxPowerKw\":22,"
                + "\"connectors\":[{\"connectorId\":1,\"type\":\"Type 2\",\"powerKw\":22}]"
                + (identity == null ? "" : ",\"deviceIdentity\":\"" + identity + "\"") + "}";
    }

    /** Registers charger {@code pileId} directly, bound to device {@code identity}, in one request. */
    void pileWithDevice(String pileId, String identity) {
        testStation();
        ok(post("/api/chargers", chargerBody("direct", pileId, identity)));
    }

    void idTag(String tag, String status) {
        ok(put("/api/id-tags/" + tag, "{\"status\":\"" + status + "\"}"));
    }

    private Reply send(HttpRequest.Builder b) {
        return send(b, "application/json");
    }

    private Reply send(HttpRequest.Builder b, String contentType) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<java.io.InputStream> r = CLIENT.send(b.timeout(Duration.ofSeconds(30))
                    .header("Content-Type", contentType).build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = r.headers().firstValue("Content-Type").orElse("");
            String text = "";
            try (java.io.InputStream in = r.body()) {
                if (!type.startsWith("text/event-stream")) { // a stream that never ends: its status is the answer
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            JsonNode body = text.isEmpty() || !type.contains("json") ? null : OcppJson.MAPPER.readTree(text);
            return new Reply(r.statusCode(), body, type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
