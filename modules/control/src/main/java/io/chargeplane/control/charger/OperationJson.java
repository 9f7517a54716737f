package io.chargeplane.control.charger;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeplane.control.charger.language.ChargerOperation;

/** An operation's parameters as JSON, for the journal's CommandAccepted and the audit ({"hard":false} for a soft reset). */
final class OperationJson {
    private OperationJson() {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    private interface WithoutType {
    }

    private static final ObjectMapper MAPPER = io.chargeplane.control.ControlJson.MAPPER.copy()
            .addMixIn(ChargerOperation.class, WithoutType.class);

    static String parameters(ChargerOperation op) {
        if (op instanceof ChargerOperation.ProtocolCall call) {
            return call.payloadJson(); // as the operator wrote it
        }
        try {
            return MAPPER.writeValueAsString(op);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("operation " + op.name() + " cannot be written", e);
        }
    }
}
