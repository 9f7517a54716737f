package io.chargeplane.control.review;

import io.chargeplane.control.Result;
import java.util.Optional;

/** The rules every reviewed record follows (stations and chargers now, tariffs next). Pure functions. */
public final class ReviewRules {
    private ReviewRules() {
    }

    /** One pending change per record: a second submission, or a direct change over a pending one, is a conflict. */
    public static Optional<Result.Rejection> canSave(PendingChange pending, SaveMode mode, boolean everLive) {
        if (pending != null) {
            return Optional.of(new Result.Rejection(Result.Reason.CONFLICT, null, "change " + pending.changeId() + " by "
                    + pending.submittedBy() + " is waiting for review: approve or reject it first"));
        }
        if (mode == SaveMode.DRAFT && everLive) {
            return Optional.of(new Result.Rejection(Result.Reason.INVALID, "mode", "a record that went live cannot go back to draft: "
                    + "submit the change for review or apply it directly"));
        }
        return Optional.empty();
    }

    /** The change named must be the pending one, and nobody approves (or rejects) their own change. */
    public static Optional<Result.Rejection> canDecide(PendingChange pending, String changeId, String by) {
        if (pending == null) {
            return Optional.of(new Result.Rejection(Result.Reason.CONFLICT, "changeId", "no change is waiting for review"));
        }
        if (!pending.changeId().equals(changeId)) {
            return Optional.of(new Result.Rejection(Result.Reason.CONFLICT, "changeId", "the change waiting for review is "
                    + pending.changeId() + ", not " + changeId));
        }
        if (pending.submittedBy().equals(by)) {
            return Optional.of(new Result.Rejection(Result.Reason.FORBIDDEN, null, "nobody reviews their own change"));
        }
        return Optional.empty();
    }
}
