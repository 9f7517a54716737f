package io.chargeplane.control.feed;

import java.time.Instant;
import java.util.Map;

/**
 * One change for the live feed: {@code id} is the journal's ordering of the event it comes from, so that a client
 * that resumes after {@code id} misses nothing and gets nothing twice. {@code kind}: {@code batch} (a batch was
 * created), {@code batch.target} (one of its targets moved on), {@code charger.connection} (connected or not),
 * {@code charger.status} (a connector's status). {@code stationId} and {@code chargerId} are null where they do not
 * apply (a batch of a list of chargers has no station; a charger of no station).
 */
public record FeedEvent(long id, String kind, String stationId, String chargerId, String batchId, Instant at,
                        Map<String, Object> data) {
}
