package io.chargeplane.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem body ({@code application/problem+json}); {@code field} names the offending input. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static Problem of(int status, String detail, String field) {
        return new Problem("about:blank", title(status), status, detail, field);
    }

    /** An entity's refusal, its domain reason put as the HTTP status that says the same. */
    public static Problem of(io.chargeplane.control.Result.Rejection r) {
        return of(status(r.reason()), r.detail(), r.field());
    }

    public static int status(io.chargeplane.control.Result.Reason reason) {
        return switch (reason) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case STALE -> 412;
            case LOCKED -> 423;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * Entity errors cross nodes as text ("409 detail" or "400 field: detail", see the entities); this reads
     * them back. Anything else is an internal error.
     */
    public static Problem fromReplyError(String message) {
        if (message != null && message.length() > 4 && message.charAt(3) == ' ' && Character.isDigit(message.charAt(0))) {
            int status = Integer.parseInt(message.substring(0, 3));
            String rest = message.substring(4);
            String field = null;
            int colon = rest.indexOf(": ");
            if (status == 400 && colon > 0 && !rest.substring(0, colon).contains(" ")) {
                field = rest.substring(0, colon);
                rest = rest.substring(colon + 2);
            }
            return of(status, rest, field);
        }
        return of(500, message == null ? "internal error" : message, null);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 423 -> "Locked";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
