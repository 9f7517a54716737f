package io.chargeplane.ocpp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a CALL received from a charger into a typed request, or into the CALLERROR to answer.
 * Billing messages that break the schema only by a detail are accepted with their violations attached.
 */
public final class CallReader {
    private final ActionRegistry registry;
    private final SchemaValidator validator;
    private final Set<String> billingActions;

    public CallReader(ActionRegistry registry, SchemaValidator validator, Set<String> billingActions) {
        this.registry = registry;
        this.validator = validator;
        this.billingActions = Set.copyOf(billingActions);
    }

    public sealed interface Read {
    }

    /** A request to handle; {@code tolerated} lists the schema details it broke (empty for a clean one). */
    public record Accepted(OcppAction action, OcppRequest request, List<Violation> tolerated) implements Read {
    }

    /** The typed CALLRESULT of a call this server sent. */
    public record Answered(OcppAction action, OcppResponse response) implements Read {
    }

    /** The request cannot be handled: answer with this CALLERROR. */
    public record Refused(ErrorCode code, String description, ObjectNode details) implements Read {
    }

    public Read read(Frame.Call call) {
        OcppAction action = registry.byName(call.action()).orElse(null);
        if (action == null) {
            return registry.isKnownButUnsupported(call.action())
                    ? refused(ErrorCode.NotSupported, "action " + call.action() + " is not supported by this server", null)
                    : refused(ErrorCode.NotImplemented, "unknown action " + call.action(), null);
        }
        if (!action.callableBy(Direction.FROM_CHARGER)) {
            return refused(ErrorCode.NotSupported, call.action() + " is sent by the server, not by a charge point", null);
        }
        Refused malformed = malformedText(call.payload());
        if (malformed != null) {
            return malformed;
        }
        List<Violation> violations = validator.validate(action.schemaName(false), call.payload());
        List<Violation> tolerated = List.of();
        if (!violations.isEmpty()) {
            boolean tolerable = billingActions.contains(action.name())
                    && violations.stream().allMatch(Violation::isBillingTolerable);
            if (!tolerable) {
                Violation first = violations.get(0);
                return refused(first.code(), first.path() + ": " + first.message(), first);
            }
            tolerated = new ArrayList<>(violations);
        }
        try {
            OcppRequest request = OcppJson.MAPPER.treeToValue(call.payload(), action.requestType());
            return new Accepted(action, request, tolerated);
        } catch (JsonProcessingException | RuntimeException e) {
            return refused(ErrorCode.FormationViolation, "payload cannot be read: " + e.getMessage(), null);
        }
    }

    /** Reads the CALLRESULT payload of a call this server sent; violations come back as a refusal. */
    public Read readResult(OcppAction action, JsonNode payload) {
        Refused malformed = malformedText(payload);
        if (malformed != null) {
            return malformed;
        }
        List<Violation> violations = validator.validate(action.schemaName(true), payload);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            return refused(first.code(), first.path() + ": " + first.message(), first);
        }
        try {
            return new Answered(action, OcppJson.MAPPER.treeToValue(payload, action.responseType()));
        } catch (JsonProcessingException | RuntimeException e) {
            return refused(ErrorCode.FormationViolation, "payload cannot be read: " + e.getMessage(), null);
        }
    }

    /** A string that is not Unicode text (a lone surrogate) is an invalid value of its field. */
    private static Refused malformedText(JsonNode payload) {
        return WellFormedText.firstMalformed(payload)
                .map(path -> refused(ErrorCode.PropertyConstraintViolation,
                        path + ": not valid Unicode text (a lone UTF-16 surrogate)",
                        new Violation(ErrorCode.PropertyConstraintViolation, "unicode", path, "lone surrogate")))
                .orElse(null);
    }

    private static Refused refused(ErrorCode code, String description, Violation v) {
        ObjectNode details = null;
        if (v != null) {
            details = OcppJson.MAPPER.createObjectNode().put("path", v.path()).put("keyword", v.keyword());
        }
        return new Refused(code, description, details);
    }
}
