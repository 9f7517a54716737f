package io.chargeplane.ocpp;

import com.fasterxml.jackson.databind.JsonNode;

/** One OCPP-J message on the wire: CALL {@code [2,id,action,payload]}, CALLRESULT {@code [3,id,payload]}, CALLERROR {@code [4,id,code,description,details]}. */
public sealed interface Frame {
    int CALL = 2;
    int CALL_RESULT = 3;
    int CALL_ERROR = 4;

    String messageId();

    record Call(String messageId, String action, JsonNode payload) implements Frame {
    }

    record CallResult(String messageId, JsonNode payload) implements Frame {
    }

    record CallError(String messageId, ErrorCode code, String description, JsonNode details) implements Frame {
    }
}
