package io.chargeplane.ocpp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads and writes the OCPP-J envelope. Pure functions; payloads stay JSON trees until validated. */
public final class FrameCodec {
    private FrameCodec() {
    }

    /** The result of reading one text frame. */
    public sealed interface Decoded {
    }

    /** A well-formed frame. */
    public record Ok(Frame frame) implements Decoded {
    }

    /**
     * A frame that is not a valid OCPP-J message. {@code messageId} is null when it cannot be read; then
     * nothing can be answered. {@code answerable} is false for broken CALLRESULT / CALLERROR frames, which
     * are never answered.
     */
    public record Malformed(String messageId, boolean answerable, String description) implements Decoded {
        public boolean idReadable() {
            return messageId != null;
        }
    }

    public static Decoded decode(String text) {
        JsonNode root;
        try {
            root = OcppJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new Malformed(null, false, "frame is not valid JSON");
        }
        if (root == null || !root.isArray() || root.size() < 2) {
            return new Malformed(null, false, "frame is not an OCPP-J array");
        }
        JsonNode idNode = root.get(1);
        String id = idNode.isTextual() ? idNode.asText() : null;
        if (id == null) {
            return new Malformed(null, false, "message id is not a string");
        }
        JsonNode type = root.get(0);
        if (!type.isInt()) {
            return new Malformed(id, true, "message type is not an integer");
        }
        return switch (type.asInt()) {
            case Frame.CALL -> decodeCall(root, id);
            case Frame.CALL_RESULT -> root.size() == 3 && root.get(2).isObject()
                    ? new Ok(new Frame.CallResult(id, root.get(2)))
                    : new Malformed(id, false, "CALLRESULT must be [3, id, {payload}]");
            case Frame.CALL_ERROR -> decodeCallError(root, id);
            default -> new Malformed(id, true, "unknown message type " + type.asInt());
        };
    }

    private static Decoded decodeCall(JsonNode root, String id) {
        if (root.size() != 4) {
            return new Malformed(id, true, "CALL must have 4 elements, got " + root.size());
        }
        if (!root.get(2).isTextual()) {
            return new Malformed(id, true, "CALL action must be a string");
        }
        if (!root.get(3).isObject()) {
            return new Malformed(id, true, "CALL payload must be a JSON object");
        }
        return new Ok(new Frame.Call(id, root.get(2).asText(), root.get(3)));
    }

    private static Decoded decodeCallError(JsonNode root, String id) {
        if (root.size() != 5 || !root.get(2).isTextual() || !root.get(3).isTextual() || !root.get(4).isObject()) {
            return new Malformed(id, false, "CALLERROR must be [4, id, code, description, {details}]");
        }
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(root.get(2).asText());
        } catch (IllegalArgumentException e) {
            code = ErrorCode.GenericError;
        }
        return new Ok(new Frame.CallError(id, code, root.get(3).asText(), root.get(4)));
    }

    public static String encode(Frame frame) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        if (frame instanceof Frame.Call c) {
            a.add(Frame.CALL).add(c.messageId()).add(c.action()).add(c.payload());
        } else if (frame instanceof Frame.CallResult r) {
            a.add(Frame.CALL_RESULT).add(r.messageId()).add(r.payload());
        } else {
            Frame.CallError e = (Frame.CallError) frame;
            a.add(Frame.CALL_ERROR).add(e.messageId()).add(e.code().name()).add(e.description())
                    .add(e.details() == null ? JsonNodeFactory.instance.objectNode() : e.details());
        }
        try {
            return OcppJson.MAPPER.writeValueAsString(a);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode frame", e);
        }
    }

    /** Writes the payload record straight into the frame with one generator, without building a JSON tree. */
    public static String callResult(String messageId, Object payload) {
        return write(Frame.CALL_RESULT, messageId, null, payload);
    }

    public static String call(String messageId, String action, Object payload) {
        return write(Frame.CALL, messageId, action, payload);
    }

    /** {@code [type, id, (action,) payload]}, the payload record serialised in place. */
    private static String write(int type, String messageId, String action, Object payload) {
        java.io.StringWriter out = new java.io.StringWriter(64);
        try (com.fasterxml.jackson.core.JsonGenerator g = OcppJson.MAPPER.createGenerator(out)) {
            g.writeStartArray();
            g.writeNumber(type);
            g.writeString(messageId);
            if (action != null) {
                g.writeString(action);
            }
            g.writeObject(payload);
            g.writeEndArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode " + payload.getClass().getSimpleName(), e);
        }
        return out.toString();
    }

    public static String callError(String messageId, ErrorCode code, String description) {
        return callError(messageId, code, description, null);
    }

    public static String callError(String messageId, ErrorCode code, String description, ObjectNode details) {
        return encode(new Frame.CallError(messageId, code, description == null ? "" : description, details));
    }
}
