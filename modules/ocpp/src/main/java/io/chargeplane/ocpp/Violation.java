package io.chargeplane.ocpp;

/**
 * One way a payload breaks its schema.
 *
 * @param code    the CALLERROR code this violation maps to
 * @param keyword the JSON Schema keyword that failed ({@code type}, {@code required}, {@code format}, ...)
 * @param path    where in the payload, as a JSON pointer-like path ({@code $.meterValue[0].timestamp})
 * @param message a readable explanation
 */
public record Violation(ErrorCode code, String keyword, String path, String message) {

    /**
     * Where the violation is, as a field of a document that holds the payload under {@code prefix}: the root
     * ({@code $}) is {@code prefix} itself, {@code $.type} is {@code prefix.type}.
     */
    public String field(String prefix) {
        if (path.startsWith("$")) {
            return prefix + path.substring(1);
        }
        return path.isEmpty() ? prefix : prefix + "." + path;
    }

    /** An extra property, or a date-time without an offset: details that never cost billing data. */
    public boolean isBillingTolerable() {
        return "additionalProperties".equals(keyword) || "format".equals(keyword);
    }
}
