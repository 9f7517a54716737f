package io.chargeplane.gateway.api;

import io.chargeplane.gateway.auth.Permission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One REST operation: method, path template ({@code /api/chargers/{pileId}/reset}), the permission it needs, and its
 * handler. The API is a list of these, so that the router, the permission test and the OpenAPI test all read
 * the same list.
 */
public record Endpoint(String method, String path, Permission permission, Handler handler) {

    /** Builds the response of one call. */
    @FunctionalInterface
    public interface Handler {
        Route handle(Call call);
    }

    public Endpoint {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
    }

    public static Endpoint get(String path, Permission p, Handler h) {
        return new Endpoint("GET", path, p, h);
    }

    public static Endpoint post(String path, Permission p, Handler h) {
        return new Endpoint("POST", path, p, h);
    }

    public static Endpoint put(String path, Permission p, Handler h) {
        return new Endpoint("PUT", path, p, h);
    }

    public static Endpoint delete(String path, Permission p, Handler h) {
        return new Endpoint("DELETE", path, p, h);
    }

    List<String> segments() {
        List<String> s = new ArrayList<>();
        for (String part : path.substring(1).split("/")) {
            s.add(part);
        }
        return s;
    }

    /** Number of literal segments: with two templates matching, the more literal one wins. */
    int literals() {
        int n = 0;
        for (String s : segments()) {
            if (!s.startsWith("{")) {
                n++;
            }
        }
        return n;
    }

    /** The path parameters if {@code requestSegments} match this template, else null. */
    Map<String, String> match(List<String> requestSegments) {
        List<String> mine = segments();
        if (mine.size() != requestSegments.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < mine.size(); i++) {
            String t = mine.get(i);
            String r = requestSegments.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (r.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), r);
            } else if (!t.equals(r)) {
                return null;
            }
        }
        return params;
    }
}
