package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.charger.language.ChargerOperation;
import java.time.Instant;

/**
 * A server-to-charger command and where it is. {@code status} is the fine state (see the constants): open while
 * QUEUED, SENT or ANSWERED with an outcome still to come, final otherwise. {@code outcome} is the coarse one of
 * the first API: PENDING (no answer yet), ANSWERED (the charger's CALLRESULT is in {@code responseJson}, its word in
 * {@code answer}), FAILED (see {@code reason}). {@code confirmation}: what confirmed the outcome, or why it was not.
 * {@code operation} is null in records from before operations were journaled; {@code batchId}: the batch it
 * belongs to, if any.
 */
public record CommandResult(String commandId, String action, String outcome, String responseJson, String reason,
                            Instant acceptedAt, Instant completedAt, String status, String answer,
                            String confirmation, ChargerOperation operation, Instant sentAt, Instant answeredAt,
                            Instant expiresAt, String batchId) implements CborSerializable {
    public static final String ANSWERED = "ANSWERED";
    public static final String FAILED = "FAILED";
    public static final String PENDING = "PENDING";

    /** Accepted, waiting for the charger (offline, or another call is with it). */
    public static final String QUEUED = "QUEUED";
    /** The call went out; no answer yet. */
    public static final String SENT = "SENT";
    /** The charger answered and an outcome is awaited (open), or the answer is all there is to it (final). */
    public static final String STATUS_ANSWERED = "ANSWERED";
    /** The fact the answer promised followed (a session started, a boot after a reboot, ...). */
    public static final String CONFIRMED = "CONFIRMED";
    /** Answered Accepted, but the fact it promised did not follow in time. */
    public static final String NOT_CONFIRMED = "NOT_CONFIRMED";
    /** A CALLERROR, an invalid answer, a call that could not be sent, or an outcome that failed (a firmware install). */
    public static final String STATUS_FAILED = "FAILED";
    /** Sent, and not answered within the command timeout. */
    public static final String TIMED_OUT = "TIMED_OUT";
    /** Still queued when its wait for the charger ended (offline too long). */
    public static final String EXPIRED = "EXPIRED";
    /** Sent before a restart of the server and not safe to send again: whether the charger acted is unknown. */
    public static final String UNKNOWN = "UNKNOWN";
    /** Queued, and replaced by a newer command of the same kind before it was sent. */
    public static final String REPLACED = "REPLACED";

    /** A command just accepted: queued, or already on its way ({@code sentAt} set). */
    static CommandResult accepted(String commandId, String action, ChargerOperation operation, Instant at,
                                  Instant sentAt, Instant expiresAt, String batchId) {
        return new CommandResult(commandId, action, PENDING, null, null, at, null, sentAt != null ? SENT : QUEUED,
                null, null, operation, sentAt, null, expiresAt, batchId);
    }

    /** The fine status, also of records journaled before it existed (derived from the outcome). */
    public String statusOrDerived() {
        if (status != null) {
            return status;
        }
        return PENDING.equals(outcome) ? SENT : ANSWERED.equals(outcome) ? STATUS_ANSWERED : STATUS_FAILED;
    }

    CommandResult sent(Instant at) {
        return new CommandResult(commandId, action, outcome, responseJson, reason, acceptedAt, completedAt, SENT, answer,
                confirmation, operation, at, answeredAt, expiresAt, batchId);
    }

    CommandResult requeued(String why) {
        return new CommandResult(commandId, action, outcome, responseJson, why, acceptedAt, completedAt, QUEUED, answer,
                confirmation, operation, null, answeredAt, expiresAt, batchId);
    }

    CommandResult answered(String word, String json, Instant at) {
        return new CommandResult(commandId, action, ANSWERED, json, reason, acceptedAt, completedAt, STATUS_ANSWERED,
                word, confirmation, operation, sentAt, at, expiresAt, batchId);
    }

    CommandResult completed(String finalOutcome, String finalStatus, String word, String json, String why,
                            String confirmedBy, Instant at) {
        return new CommandResult(commandId, action, finalOutcome, json != null ? json : responseJson, why, acceptedAt,
                at, finalStatus, word != null ? word : answer, confirmedBy, operation, sentAt,
                answeredAt != null ? answeredAt : (word != null || json != null ? at : null), expiresAt, batchId);
    }
}
