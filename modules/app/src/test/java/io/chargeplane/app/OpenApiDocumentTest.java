package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chargeplane.gateway.api.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/openapi.yaml against the router's own list of routes, both ways, and served as it is. */
class OpenApiDocumentTest {
    static final Path DOCUMENT = Path.of("../../docs/openapi.yaml");

    @TempDir
    static Path dir;
    static ChargePlaneNode node;
    static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.start(TestNodes.h2(dir));
        doc = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void everyRouteIsDocumentedWithItsPermission() {
        for (Endpoint e : node.edges().endpoints()) {
            JsonNode op = doc.path("paths").path(e.path()).path(e.method().toLowerCase());
            assertTrue(op.isObject(), e.method() + " " + e.path() + " is missing from docs/openapi.yaml");
            assertEquals(e.permission().name(), op.path("x-permission").asText(),
                    "x-permission of " + e.method() + " " + e.path());
        }
    }

    @Test
    void everyDocumentedApiOperationIsARoute() {
        Set<String> routes = new HashSet<>();
        node.edges().endpoints().forEach(e -> routes.add(e.method() + " " + e.path()));
        Iterator<String> paths = doc.path("paths").fieldNames();
        while (paths.hasNext()) {
            String path = paths.next();
            if (!path.startsWith("/api/")) {
                continue; // health and the OCPP socket are served outside the API router
            }
            Iterator<String> methods = doc.path("paths").path(path).fieldNames();
            while (methods.hasNext()) {
                String m = methods.next();
                if (Set.of("get", "put", "post", "delete", "patch").contains(m)) {
                    assertTrue(routes.contains(m.toUpperCase() + " " + path), "documented but not routed: " + m + " " + path);
                }
            }
        }
    }

    @Test
    void theServerServesThisDocumentWithoutSignIn() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + "/api/openapi.yaml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(Files.readString(DOCUMENT), r.body());
        assertNotNull(doc.path("components").path("securitySchemes").get("bearer"));
    }
}
