package io.chargeplane.ocpp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * JSON allows {@code "\ud800"}, an escaped UTF-16 surrogate with no partner, but no Unicode text contains one: it
 * cannot be written as UTF-8 (nor stored as CBOR, as the journal does), so a value holding one would fail far from
 * the edge it came in through. Both edges, REST and OCPP, refuse such a document at once, naming where it is.
 */
public final class WellFormedText {
    private WellFormedText() {
    }

    /** The path ({@code $.meterValue[0].unit}, {@code $} for the root) of the first malformed string, if any. */
    public static Optional<String> firstMalformed(JsonNode node) {
        return firstMalformed(node, "$");
    }

    private static Optional<String> firstMalformed(JsonNode node, String path) {
        if (node.isTextual()) {
            return isWellFormed(node.textValue()) ? Optional.empty() : Optional.of(path);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> inner = firstMalformed(node.get(i), path + "[" + i + "]");
                if (inner.isPresent()) {
                    return inner;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path + "." + field.getKey();
                if (!isWellFormed(field.getKey())) {
                    return Optional.of(at);
                }
                Optional<String> inner = firstMalformed(field.getValue(), at);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    /** True when every surrogate of {@code s} is half of a pair. */
    public static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
