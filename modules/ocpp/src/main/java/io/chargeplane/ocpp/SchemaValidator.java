package io.chargeplane.ocpp;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Validates payloads against the official OCPP JSON schemas (draft-04), vendored as resources. */
public final class SchemaValidator {
    private static final Map<String, ErrorCode> CODE_BY_KEYWORD = Map.ofEntries(
            Map.entry("type", ErrorCode.TypeConstraintViolation),
            Map.entry("required", ErrorCode.OccurenceConstraintViolation),
            Map.entry("minItems", ErrorCode.OccurenceConstraintViolation),
            Map.entry("maxItems", ErrorCode.OccurenceConstraintViolation),
            Map.entry("uniqueItems", ErrorCode.OccurenceConstraintViolation),
            Map.entry("enum", ErrorCode.PropertyConstraintViolation),
            Map.entry("maxLength", ErrorCode.PropertyConstraintViolation),
            Map.entry("minLength", ErrorCode.PropertyConstraintViolation),
            Map.entry("format", ErrorCode.PropertyConstraintViolation),
            Map.entry("pattern", ErrorCode.PropertyConstraintViolation),
            Map.entry("minimum", ErrorCode.PropertyConstraintViolation),
            Map.entry("maximum", ErrorCode.PropertyConstraintViolation),
            Map.entry("multipleOf", ErrorCode.PropertyConstraintViolation),
            Map.entry("additionalProperties", ErrorCode.FormationViolation));
    /** When a payload breaks several rules, the CALLERROR names the most basic one first. */
    private static final List<ErrorCode> PRECEDENCE = List.of(ErrorCode.TypeConstraintViolation,
            ErrorCode.OccurenceConstraintViolation, ErrorCode.FormationViolation,
            ErrorCode.PropertyConstraintViolation);

    private final String resourceRoot;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    public SchemaValidator(String resourceRoot) {
        this.resourceRoot = resourceRoot;
    }

    /** Loads every named schema now, so the first charger does not pay for it. */
    public SchemaValidator preload(Set<String> names) {
        names.forEach(this::schema);
        return this;
    }

    public List<Violation> validate(String schemaName, JsonNode payload) {
        Set<ValidationMessage> messages = schema(schemaName).validate(payload);
        if (messages.isEmpty()) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>(messages.size());
        for (ValidationMessage m : messages) {
            ErrorCode code = CODE_BY_KEYWORD.getOrDefault(m.getType(), ErrorCode.FormationViolation);
            String pointer = m.getInstanceLocation().toString();
            String message = m.getMessage().startsWith(pointer + ": ") ? m.getMessage().substring(pointer.length() + 2)
                    : m.getMessage().startsWith(": ") ? m.getMessage().substring(2) : m.getMessage();
            String at = path(pointer);
            if ("required".equals(m.getType()) && m.getProperty() != null) { // the missing field itself
                String property = m.getProperty().replaceFirst("^[./]+", "");
                at = at.endsWith("." + property) ? at : at + "." + property;
            }
            out.add(new Violation(code, m.getType(), at, message));
        }
        out.sort(Comparator.comparingInt(v -> {
            int i = PRECEDENCE.indexOf(v.code());
            return i < 0 ? PRECEDENCE.size() : i;
        }));
        return out;
    }

    /** A JSON pointer ({@code /meterValue/0/timestamp}, empty for the root) as {@code $.meterValue[0].timestamp}. */
    static String path(String pointer) {
        if (pointer.startsWith("$")) {
            return pointer;
        }
        StringBuilder b = new StringBuilder("$");
        for (String segment : pointer.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                b.append('[').append(name).append(']');
            } else {
                b.append('.').append(name);
            }
        }
        return b.toString();
    }

    private JsonSchema schema(String name) {
        JsonSchema loaded = schemas.get(name); // computeIfAbsent locks its bin even when the key is there
        if (loaded != null) {
            return loaded;
        }
        return schemas.computeIfAbsent(name, n -> {
            String resource = resourceRoot + "/" + n + ".json";
            try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no schema " + resource);
                }
                return factory.getSchema(in, config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
