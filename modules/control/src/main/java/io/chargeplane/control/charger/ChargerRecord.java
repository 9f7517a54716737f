package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.review.Decision;
import io.chargeplane.control.review.PendingChange;
import java.time.Instant;

/**
 * The reviewed registration of a charger, part of its pile's state: live details, a draft before it first goes
 * live, at most one change waiting for review, the last decision, and whether its station(s) have confirmed the
 * assignment ({@code stationLinked}; the pile re-sends until they have, also after a crash). {@code version} counts
 * the record's own changes: it is the ETag, untouched by the charger's traffic.
 */
public record ChargerRecord(Status status, ChargerDetails live, ChargerDetails draft, PendingChargerChange pending,
                            Decision lastDecision, String unlinkFrom, boolean stationLinked, long version)
        implements CborSerializable {

    public enum Status { DRAFT, PENDING_REVIEW, ACTIVE, REJECTED }

    public record PendingChargerChange(String changeId, ChargerDetails proposed, String submittedBy, Instant submittedAt)
            implements PendingChange, CborSerializable {
    }

    public static final ChargerRecord NONE = new ChargerRecord(null, null, null, null, null, null, true, 0);

    public boolean everLive() {
        return live != null;
    }

    ChargerRecord apply(PileEvent e) {
        if (e instanceof PileEvent.ChargerDraftSaved d) {
            return new ChargerRecord(Status.DRAFT, live, d.details(), null, lastDecision, unlinkFrom, stationLinked,
                    version + 1);
        } else if (e instanceof PileEvent.ChargerChangeSubmitted d) {
            return new ChargerRecord(live == null ? Status.PENDING_REVIEW : Status.ACTIVE, live, draft,
                    new PendingChargerChange(d.changeId(), d.details(), d.origin().by(), d.at()), lastDecision,
                    unlinkFrom, stationLinked, version + 1);
        } else if (e instanceof PileEvent.ChargerChangeApplied d) {
            String before = d.before() == null ? null : d.before().stationId();
            boolean moved = !d.after().stationId().equals(before);
            return new ChargerRecord(Status.ACTIVE, d.after(), null, null, d.changeId() == null ? lastDecision
                    : new Decision(d.changeId(), true, null, d.origin().by(), d.at()),
                    moved ? before : unlinkFrom, !moved && stationLinked, version + 1);
        } else if (e instanceof PileEvent.ChargerChangeRejected d) {
            return new ChargerRecord(live == null ? Status.REJECTED : Status.ACTIVE, live,
                    live == null && pending != null ? pending.proposed() : draft, null,
                    new Decision(d.changeId(), false, d.comment(), d.origin().by(), d.at()), unlinkFrom, stationLinked,
                    version + 1);
        } else if (e instanceof PileEvent.StationLinked) {
            return new ChargerRecord(status, live, draft, pending, lastDecision, null, true, version);
        }
        return this;
    }

    /** The charger number this pile holds or is about to hold (for uniqueness claims). */
    public boolean holdsNumber(String number) {
        return (live != null && live.chargerNumber().equals(number))
                || (draft != null && draft.chargerNumber().equals(number))
                || (pending != null && pending.proposed().chargerNumber().equals(number));
    }
}
