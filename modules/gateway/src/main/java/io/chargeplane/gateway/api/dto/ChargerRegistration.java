package io.chargeplane.gateway.api.dto;

import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerView;
import java.time.Instant;

/**
 * {@code GET /api/chargers/{id}}: a charger's registration (live details, draft, the change waiting for review, the
 * last decision); {@code version} is its ETag. The details have the shape an operator sends ({@link ChargerDetails}).
 */
public record ChargerRegistration(String pileId, String chargerNumber, String identity, String status,
                                  ChargerDetails live, ChargerDetails draft, Pending pending, Decision lastDecision,
                                  boolean stationLinked, boolean sessionInProgress, long version) {

    public record Pending(String changeId, ChargerDetails proposed, String submittedBy, Instant submittedAt) {
    }

    public record Decision(String changeId, boolean approved, String comment, String by, Instant at) {
    }

    public static ChargerRegistration of(ChargerView v) {
        return new ChargerRegistration(v.pileId(), v.chargerNumber(), v.identity(),
                v.status() == null ? null : v.status().name(), v.live(), v.draft(),
                v.pending() == null ? null : new Pending(v.pending().changeId(), v.pending().proposed(),
                        v.pending().submittedBy(), v.pending().submittedAt()),
                v.lastDecision() == null ? null : new Decision(v.lastDecision().changeId(), v.lastDecision().approved(),
                        v.lastDecision().comment(), v.lastDecision().by(), v.lastDecision().at()),
                v.stationLinked(), v.sessionInProgress(), v.version());
    }
}
