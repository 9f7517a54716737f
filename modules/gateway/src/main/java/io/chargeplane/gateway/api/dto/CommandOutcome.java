package io.chargeplane.gateway.api.dto;

import io.chargeplane.control.charger.CommandResult;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A command to a charger and where it is: {@code outcome} PENDING, ANSWERED or FAILED (with its reason), as the
 * first API had it; {@code status} the fine state (QUEUED, SENT, ANSWERED, CONFIRMED, NOT_CONFIRMED, FAILED,
 * TIMED_OUT, EXPIRED, UNKNOWN, REPLACED); {@code answer} the charger's word as it said it; {@code confirmation} the
 * fact that confirmed the outcome.
 */
public record CommandOutcome(String commandId, String action, String outcome, String responseJson, String reason,
                             Instant acceptedAt, Instant completedAt, String status, String answer,
                             String confirmation, Instant sentAt, Instant answeredAt, Instant expiresAt) {

    public static CommandOutcome of(CommandResult r) {
        return new CommandOutcome(r.commandId(), r.action(), r.outcome(), r.responseJson(), r.reason(), r.acceptedAt(),
                r.completedAt(), r.statusOrDerived(), r.answer(), r.confirmation(), r.sentAt(), r.answeredAt(),
                r.expiresAt());
    }

    /** Whether the command is still on its way to an answer (the REST API answers 202 for it). */
    public boolean awaitingAnswer() {
        return CommandResult.QUEUED.equals(status) || CommandResult.SENT.equals(status);
    }

    static List<CommandOutcome> all(Collection<CommandResult> results) {
        return results.stream().map(CommandOutcome::of).toList();
    }
}
