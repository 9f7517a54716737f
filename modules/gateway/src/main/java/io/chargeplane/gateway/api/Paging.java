package io.chargeplane.gateway.api;

import java.util.Optional;

/** {@code limit} and {@code after} query parameters of list routes. */
public final class Paging {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private Paging() {
    }

    public static int limit(Optional<String> limit) {
        if (limit.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit.get());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new BadRequest("limit", "limit must be an integer from 1 to " + MAX_LIMIT);
    }
}
