package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.review.Decision;

/** A charger's registration as the REST API shows it; {@code version} is its ETag. */
public record ChargerView(String pileId, String chargerNumber, String identity, ChargerRecord.Status status,
                          ChargerDetails live, ChargerDetails draft, ChargerRecord.PendingChargerChange pending,
                          Decision lastDecision, boolean stationLinked, boolean sessionInProgress, long version)
        implements CborSerializable {

    static ChargerView of(PileState s) {
        ChargerRecord r = s.record();
        return new ChargerView(s.pileId(), s.chargerNumber(), s.identity(), r.status(), r.live(), r.draft(),
                r.pending(), r.lastDecision(), r.stationLinked(), !s.sessions().isEmpty(), r.version());
    }
}
