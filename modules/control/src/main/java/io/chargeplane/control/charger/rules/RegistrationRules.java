package io.chargeplane.control.charger.rules;

import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerRecord;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.charger.PileState;
import io.chargeplane.control.review.ReviewRules;
import io.chargeplane.control.review.SaveMode;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a charger's registration (S5-S8), reviewed like a station's: what a save, an approval or a rejection
 * writes, or why it is refused. Pure: the entity persists the events, then gives back what the pile no longer holds
 * and links the station.
 */
public final class RegistrationRules {
    private RegistrationRules() {
    }

    /** The events to persist, or the rejection to answer with. */
    public record Decision(List<PileEvent> events, Result.Rejection rejection) {
        static Decision refused(Result.Rejection r) {
            return new Decision(List.of(), r);
        }
    }

    /** A save: create ({@code c.create()}) or edit, as a draft, for review, or applied directly. */
    public static Decision save(PileState s, String pileId, PileCommand.SaveDetails c, String newChangeId) {
        ChargerRecord r = s.record();
        Optional<Result.Rejection> wrong = c.details().validate()
                .or(() -> c.create() && s.exists()
                        ? Optional.of(new Result.Rejection(Result.Reason.CONFLICT, "pileId", "pile " + pileId + " already exists"))
                        : Optional.empty())
                .or(() -> !c.create() && !s.exists()
                        ? Optional.of(new Result.Rejection(Result.Reason.NOT_FOUND, null, "no charger " + pileId)) : Optional.empty())
                .or(() -> c.expectedVersion() != null && c.expectedVersion() != r.version()
                        ? Optional.of(new Result.Rejection(Result.Reason.STALE, null, "charger " + pileId + " is at version " + r.version()
                                + ", not " + c.expectedVersion() + ": someone else changed it; reload and try again"))
                        : Optional.empty())
                .or(() -> ReviewRules.canSave(r.pending(), c.mode(), r.everLive()))
                .or(() -> c.mode() == SaveMode.DIRECT ? refuseMoveDuringSession(s, pileId, c.details()) : Optional.empty());
        if (wrong.isPresent()) {
            return Decision.refused(wrong.get());
        }
        PileEvent change = switch (c.mode()) {
            case DRAFT -> new PileEvent.ChargerDraftSaved(c.details(), c.origin(), c.at());
            case REVIEW -> new PileEvent.ChargerChangeSubmitted(newChangeId, c.details(), c.origin(), c.at());
            case DIRECT -> new PileEvent.ChargerChangeApplied(null, r.live(), c.details(), c.origin(), c.at());
        };
        return new Decision(c.create()
                ? List.of(new PileEvent.PileCreated(pileId, c.details().chargerNumber(), c.at()), change)
                : List.of(change), null);
    }

    /** The pending change goes live: not by its author, not while it would move a charger in a session. */
    public static Decision approve(PileState s, String pileId, String changeId, Origin origin, Instant at) {
        ChargerRecord r = s.record();
        Optional<Result.Rejection> wrong = ReviewRules.canDecide(r.pending(), changeId, origin.by())
                .or(() -> refuseMoveDuringSession(s, pileId, r.pending().proposed()));
        return wrong.map(Decision::refused).orElseGet(() -> new Decision(List.of(new PileEvent.ChargerChangeApplied(
                changeId, r.live(), r.pending().proposed(), origin, at)), null));
    }

    public static Decision reject(PileState s, String changeId, String comment, Origin origin, Instant at) {
        return ReviewRules.canDecide(s.record().pending(), changeId, origin.by()).map(Decision::refused)
                .orElseGet(() -> new Decision(List.of(new PileEvent.ChargerChangeRejected(changeId, comment, origin, at)),
                        null));
    }

    /** Moving a charger or swapping its device while it charges someone is refused until the session ends. */
    public static Optional<Result.Rejection> refuseMoveDuringSession(PileState s, String pileId, ChargerDetails next) {
        if (s.sessions().isEmpty()) {
            return Optional.empty();
        }
        ChargerDetails live = s.record().live();
        if (live != null && !live.stationId().equals(next.stationId())) {
            return Optional.of(new Result.Rejection(Result.Reason.CONFLICT, "stationId", "a charging session is in progress on charger "
                    + pileId + ": it cannot move to another station until the session ends"));
        }
        if (s.identity() != null && !s.identity().equals(next.deviceIdentity())) {
            return Optional.of(new Result.Rejection(Result.Reason.CONFLICT, "deviceIdentity", "a charging session is in progress on charger "
                    + pileId + ": its device cannot be unbound or swapped until the session ends"));
        }
        return Optional.empty();
    }

    /** Device identities this pile is bound to or has reserved in a draft or a change waiting for review. */
    public static Set<String> heldIdentities(PileState s) {
        Set<String> n = new HashSet<>();
        if (s.identity() != null) {
            n.add(s.identity());
        }
        ChargerRecord r = s.record();
        for (ChargerDetails d : Arrays.asList(r.live(), r.draft(), r.pending() == null ? null : r.pending().proposed())) {
            if (d != null && d.deviceIdentity() != null) {
                n.add(d.deviceIdentity());
            }
        }
        return n;
    }

    /** Charger numbers this pile holds: its own, and those of its live details, draft and pending change. */
    public static Set<String> heldNumbers(PileState s) {
        Set<String> n = new HashSet<>();
        if (s.chargerNumber() != null) {
            n.add(s.chargerNumber());
        }
        ChargerRecord r = s.record();
        for (ChargerDetails d : Arrays.asList(r.live(), r.draft(), r.pending() == null ? null : r.pending().proposed())) {
            if (d != null) {
                n.add(d.chargerNumber());
            }
        }
        return n;
    }
}
