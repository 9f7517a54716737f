package io.chargeplane.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeplane.ocpp.OcppJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reading request bodies field by field, so that every error names its field. */
public final class Json {
    public static final ObjectMapper MAPPER = OcppJson.MAPPER;

    private Json() {
    }

    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new BadRequest(null, "a JSON object body is required");
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (!n.isObject()) {
                throw new BadRequest(null, "the body must be a JSON object");
            }
            io.chargeplane.ocpp.WellFormedText.firstMalformed(n).ifPresent(path -> {
                String field = path.substring(2); // "$.address.city" -> "address.city"
                throw new BadRequest(field, field + " is not valid Unicode text (it holds a lone UTF-16 surrogate)");
            });
            return n;
        } catch (JsonProcessingException e) {
            throw new BadRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static String text(JsonNode body, String field, boolean required, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest(field, field + " is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest(field, field + " must be a non-empty string");
        }
        if (v.asText().length() > maxLength) {
            throw new BadRequest(field, field + " must be at most " + maxLength + " characters");
        }
        return v.asText();
    }

    /** A field of a nested object, named in errors by its path ({@code address.city}). */
    public static String text(JsonNode body, String prefix, String field, boolean required, int maxLength) {
        try {
            return text(body, field, required, maxLength);
        } catch (BadRequest e) {
            throw new BadRequest(prefix + "." + field, prefix + "." + e.getMessage());
        }
    }

    public static Double decimal(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest(field, field + " is required");
            }
            return null;
        }
        if (!v.isNumber()) {
            throw new BadRequest(field, field + " must be a number");
        }
        return v.asDouble();
    }

    public static JsonNode object(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest(field, field + " is required");
            }
            return null;
        }
        if (!v.isObject()) {
            throw new BadRequest(field, field + " must be an object");
        }
        return v;
    }

    public static java.util.List<String> strings(JsonNode body, String field, int maxItems, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return java.util.List.of();
        }
        if (!v.isArray() || v.size() > maxItems) {
            throw new BadRequest(field, field + " must be an array of at most " + maxItems + " strings");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().length() > maxLength) {
                throw new BadRequest(field, field + " must be an array of strings of at most " + maxLength + " characters");
            }
            out.add(item.asText());
        }
        return out;
    }

    public static Integer integer(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest(field, field + " is required");
            }
            return null;
        }
        if (!v.isInt()) {
            throw new BadRequest(field, field + " must be an integer");
        }
        return v.asInt();
    }

    public static Instant instant(JsonNode body, String field) {
        String t = text(body, field, false, 40);
        if (t == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest(field, field + " must be an RFC 3339 date-time with offset");
        }
    }
}
