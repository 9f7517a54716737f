package io.chargeplane.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.ocpp.v16.Core;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.ocpp.v16.Ocpp16;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallReaderTest {

    private static CallReader.Read read(String frame) {
        return Ocpp16.READER.read((Frame.Call) ((FrameCodec.Ok) FrameCodec.decode(frame)).frame());
    }

    private static ErrorCode refusal(String frame) {
        return assertInstanceOf(CallReader.Refused.class, read(frame)).code();
    }

    @Test
    void aValidBootNotificationBecomesItsRecord() {
        var a = assertInstanceOf(CallReader.Accepted.class,
                read("[2,\"1\",\"BootNotification\",{\"chargePointVendor\":\"V\",\"chargePointModel\":\"M\",\"chargePointSerialNumber\":\"S1\"}]"));
        assertEquals(new Core.BootNotificationRequest("V", "M", "S1", null, null, null, null, null, null), a.request());
        assertTrue(a.tolerated().isEmpty());
    }

    @Test
    void enumsWithDotsAreTypedConstants() {
        var a = assertInstanceOf(CallReader.Accepted.class, read("[2,\"1\",\"MeterValues\",{\"connectorId\":1,\"meterValue\":"
                + "[{\"timestamp\":\"2026-01-01T10:00:00+02:00\",\"sampledValue\":[{\"value\":\"12\",\"measurand\":\"Energy.Active.Import.Register\",\"unit\":\"kWh\"}]}]}]"));
        var mv = (Core.MeterValuesRequest) a.request();
        assertEquals(DataTypes.Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, mv.meterValue().get(0).sampledValue().get(0).measurand());
        assertEquals(Instant.parse("2026-01-01T08:00:00Z"), mv.meterValue().get(0).timestamp());
    }

    @Test
    void aLoneSurrogateInAStringIsPropertyConstraintViolationNamingItsField() {
        var r = assertInstanceOf(CallReader.Refused.class, read("[2,\"1\",\"StatusNotification\",{\"connectorId\":1,"
                + "\"errorCode\":\"NoError\",\"status\":\"Available\",\"info\":\"\\ud800x\"}]"));
        assertEquals(ErrorCode.PropertyConstraintViolation, r.code());
        assertTrue(r.description().startsWith("$.info:"), r.description());
    }

    @Test
    void aPairedSurrogateIsText() {
        assertInstanceOf(CallReader.Accepted.class, read("[2,\"1\",\"StatusNotification\",{\"connectorId\":1,"
                + "\"errorCode\":\"NoError\",\"status\":\"Available\",\"info\":\"\\ud83d\\udd0c plug\"}]"));
    }

    @Test
    void unknownActionIsNotImplemented() {
        assertEquals(ErrorCode.NotImplemented, refusal("[2,\"1\",\"MakeCoffee\",{}]"));
    }

    @Test
    void aServerOnlyOrSecurityExtensionActionIsNotSupported() {
        assertEquals(ErrorCode.NotSupported, refusal("[2,\"1\",\"Reset\",{\"type\":\"Hard\"}]"));
        assertEquals(ErrorCode.NotSupported, refusal("[2,\"1\",\"SecurityEventNotification\",{}]"));
    }

    @Test
    void aWrongJsonTypeIsTypeConstraintViolation() {
        assertEquals(ErrorCode.TypeConstraintViolation,
                refusal("[2,\"1\",\"StatusNotification\",{\"connectorId\":\"one\",\"errorCode\":\"NoError\",\"status\":\"Available\"}]"));
    }

    @Test
    void aMissingRequiredFieldIsOccurenceConstraintViolation() {
        assertEquals(ErrorCode.OccurenceConstraintViolation,
                refusal("[2,\"1\",\"BootNotification\",{\"chargePointVendor\":\"V\"}]"));
    }

    @Test
    void tooManyItemsIsOccurenceConstraintViolation() {
        var payload = OcppJson.MAPPER.createObjectNode();
        payload.putArray("items").add(1).add(2).add(3);
        var v = new SchemaValidator("test-schemas").validate("Limited", payload);
        assertEquals(ErrorCode.OccurenceConstraintViolation, v.get(0).code());
    }

    @Test
    void aValueOutsideItsEnumOrLengthIsPropertyConstraintViolation() {
        assertEquals(ErrorCode.PropertyConstraintViolation,
                refusal("[2,\"1\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Sleeping\"}]"));
        assertEquals(ErrorCode.PropertyConstraintViolation,
                refusal("[2,\"1\",\"Authorize\",{\"idTag\":\"123456789012345678901\"}]"));
    }

    @Test
    void aBadDateTimeOutsideBillingMessagesIsPropertyConstraintViolation() {
        assertEquals(ErrorCode.PropertyConstraintViolation,
                refusal("[2,\"1\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Available\",\"timestamp\":\"yesterday\"}]"));
    }

    @Test
    void anExtraFieldOutsideBillingMessagesIsRefused() {
        assertEquals(ErrorCode.FormationViolation, refusal("[2,\"1\",\"Heartbeat\",{\"x\":1}]"));
    }

    @Test
    void aStartTransactionWithAnExtraFieldAndNoOffsetIsAcceptedWithItsViolationsRecorded() {
        var a = assertInstanceOf(CallReader.Accepted.class, read("[2,\"1\",\"StartTransaction\",{\"connectorId\":1,"
                + "\"idTag\":\"T\",\"meterStart\":100,\"timestamp\":\"2026-01-01T10:00:00\",\"vendorExtra\":true}]"));
        var start = (Core.StartTransactionRequest) a.request();
        assertEquals(Instant.parse("2026-01-01T10:00:00Z"), start.timestamp());
        assertEquals(2, a.tolerated().size());
    }

    @Test
    void aBillingMessageWithAWrongTypeIsStillRefused() {
        assertEquals(ErrorCode.TypeConstraintViolation, refusal("[2,\"1\",\"StopTransaction\",{\"transactionId\":\"x\","
                + "\"meterStop\":1,\"timestamp\":\"2026-01-01T10:00:00Z\"}]"));
    }

    @Test
    void everyActionHasBothSchemasAndRecords() {
        assertEquals(28, Ocpp16.REGISTRY.all().size());
        for (OcppAction a : Ocpp16.REGISTRY.all()) {
            Ocpp16.VALIDATOR.validate(a.schemaName(false), OcppJson.MAPPER.createObjectNode());
            Ocpp16.VALIDATOR.validate(a.schemaName(true), OcppJson.MAPPER.createObjectNode());
        }
    }

    @Test
    void aResponseRecordSerialisesToASchemaValidPayload() {
        var resp = new Core.BootNotificationResponse(DataTypes.RegistrationStatus.ACCEPTED, Instant.parse("2026-01-01T00:00:00Z"), 300);
        var tree = OcppJson.MAPPER.valueToTree(resp);
        assertEquals("300", FrameCodec.callResult("1", resp).replaceAll(".*\"interval\":([^,}]*).*", "$1"),
                "an integer field goes out as an integer: strictly typed firmware refuses 300.0");
        assertTrue(Ocpp16.VALIDATOR.validate("BootNotificationResponse", (com.fasterxml.jackson.databind.JsonNode) tree).isEmpty());
        assertEquals("Accepted", ((com.fasterxml.jackson.databind.JsonNode) tree).get("status").asText());
    }
}
