package io.chargeplane.gateway.api;

import io.chargeplane.gateway.auth.Permission;
import java.io.IOException;
import java.io.InputStream;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/** Serves the OpenAPI 3 document of the REST API ({@code docs/openapi.yaml}, packed into the jar at build time). */
public final class OpenApiDocument {
    static final String RESOURCE = "/openapi/openapi.yaml";

    private OpenApiDocument() {
    }

    public static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document is missing from the classpath: " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Endpoint endpoint() {
        byte[] doc = load();
        AllDirectives d = new AllDirectives() { };
        return Endpoint.get("/api/openapi.yaml", Permission.PUBLIC, c -> d.complete(HttpEntities.create(
                MediaTypes.applicationWithOpenCharset("yaml").toContentType(HttpCharsets.UTF_8), doc)));
    }
}
