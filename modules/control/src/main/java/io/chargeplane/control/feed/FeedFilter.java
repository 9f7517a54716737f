package io.chargeplane.control.feed;

import java.util.Set;

/**
 * Which feed events a client wants: each non-empty set must match (any of its values). A kind matches itself and
 * the kinds below it ({@code batch} takes {@code batch.target} too).
 */
public record FeedFilter(Set<String> stationIds, Set<String> chargerIds, Set<String> kinds) {
    public static final FeedFilter ALL = new FeedFilter(Set.of(), Set.of(), Set.of());

    public FeedFilter {
        stationIds = Set.copyOf(stationIds);
        chargerIds = Set.copyOf(chargerIds);
        kinds = Set.copyOf(kinds);
    }

    public boolean accepts(FeedEvent e) {
        if (!stationIds.isEmpty() && (e.stationId() == null || !stationIds.contains(e.stationId()))) {
            return false;
        }
        if (!chargerIds.isEmpty() && (e.chargerId() == null || !chargerIds.contains(e.chargerId()))) {
            return false;
        }
        if (kinds.isEmpty() || kinds.contains(e.kind())) {
            return true;
        }
        for (String k : kinds) {
            if (e.kind().startsWith(k + ".")) {
                return true;
            }
        }
        return false;
    }
}
