package io.chargeplane.gateway.api.dto;

import io.chargeplane.control.charger.CommandResult;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** A command to a charger and how it ended (outcome PENDING, ANSWERED or FAILED with its reason). */
public record CommandOutcome(String commandId, String action, String outcome, String responseJson, String reason,
                             Instant acceptedAt, Instant completedAt) {

    public static CommandOutcome of(CommandResult r) {
        return new CommandOutcome(r.commandId(), r.action(), r.outcome(), r.responseJson(), r.reason(), r.acceptedAt(),
                r.completedAt());
    }

    static List<CommandOutcome> all(Collection<CommandResult> results) {
        return results.stream().map(CommandOutcome::of).toList();
    }
}
