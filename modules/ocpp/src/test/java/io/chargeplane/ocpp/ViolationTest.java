package io.chargeplane.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.ocpp.v16.Ocpp16;
import org.junit.jupiter.api.Test;

class ViolationTest {

    @Test
    void aMissingFieldAtTheRootIsNamedByItsOwnPath() throws Exception {
        Violation v = Ocpp16.VALIDATOR.validate("Reset", OcppJson.MAPPER.readTree("{}")).get(0);
        assertEquals("required", v.keyword());
        assertEquals("$.type", v.path());
        assertEquals("payload.type", v.field("payload"));
    }

    @Test
    void aWrongTypeInsideIsNamedUnderThePrefix() throws Exception {
        Violation v = Ocpp16.VALIDATOR.validate("ChangeAvailability",
                OcppJson.MAPPER.readTree("{\"connectorId\":\"x\",\"type\":\"Operative\"}")).get(0);
        assertEquals("payload.connectorId", v.field("payload"));
        assertEquals("string found, integer expected", v.message());
    }

    @Test
    void anItemOfAListIsNamedWithItsIndex() throws Exception {
        Violation v = Ocpp16.VALIDATOR.validate("MeterValues", OcppJson.MAPPER.readTree(
                "{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"2026-01-01T00:00:00Z\",\"sampledValue\":[{\"value\":5}]}]}")).get(0);
        assertEquals("$.meterValue[0].sampledValue[0].value", v.path());
    }

    @Test
    void theRootItselfIsThePrefix() {
        assertEquals("payload", new Violation(ErrorCode.TypeConstraintViolation, "type", "$", "object expected").field("payload"));
    }
}
