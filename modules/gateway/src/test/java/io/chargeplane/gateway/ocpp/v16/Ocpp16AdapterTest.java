package io.chargeplane.gateway.ocpp.v16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.telemetry.MeterSample;
import io.chargeplane.gateway.ocpp.ProtocolAdapter;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.FrameCodec;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.v16.Ocpp16;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OCPP 1.6 adapter alone: frames in, the pile's language out, and back; no server, no actor. */
class Ocpp16AdapterTest {
    private final Ocpp16Adapter adapter = Ocpp16Adapter.INSTANCE;
    private final Instant now = Instant.parse("2026-12-03T12:00:00Z");

    private ProtocolAdapter.Inbound read(String frame) {
        return adapter.read((Frame.Call) ((FrameCodec.Ok) FrameCodec.decode(frame)).frame(), "pile-1", now);
    }

    private static JsonNode json(String text) {
        try {
            return OcppJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStopTransactionBecomesASessionEndWithItsReadingsAndItsTagToLookUp() {
        var report = assertInstanceOf(ProtocolAdapter.Report.class, read("[2,\"m1\",\"StopTransaction\",{"
                + "\"transactionId\":7,\"meterStop\":1500,\"timestamp\":\"2026-12-03T11:59:00Z\",\"idTag\":\"TAG\","
                + "\"reason\":\"EVDisconnected\",\"transactionData\":[{\"timestamp\":\"2026-12-03T11:59:00Z\","
                + "\"sampledValue\":[{\"value\":\"1.5\",\"unit\":\"kWh\"}]}]}]"));
        var end = assertInstanceOf(ChargerReport.SessionEndReported.class, report.report());
        assertEquals(7, end.transactionId());
        assertEquals(1500, end.meterStopWh());
        assertEquals("EVDisconnected", end.reason());
        assertEquals("TAG", report.authorizeIdTag());
        MeterSample sample = end.readings().get(0);
        assertEquals("Energy.Active.Import.Register", sample.measurand(), "the 1.6 default measurand");
        assertEquals("Outlet", sample.location());
        assertEquals(1.5, sample.number());
        assertEquals(7, sample.transactionId());
    }

    @Test
    void aStopWithAnEmptyIdTagIsKeptAndLooksNothingUp() {
        var report = assertInstanceOf(ProtocolAdapter.Report.class, read("[2,\"m1\",\"StopTransaction\",{"
                + "\"transactionId\":7,\"meterStop\":1500,\"timestamp\":\"2026-12-03T11:59:00Z\",\"idTag\":\"\"}]"));
        assertNull(report.authorizeIdTag());
    }

    @Test
    void aTimestampWithoutOffsetInABillingMessageIsToleratedAndNamed() {
        var report = assertInstanceOf(ProtocolAdapter.Report.class, read("[2,\"m1\",\"StartTransaction\",{"
                + "\"connectorId\":1,\"idTag\":\"TAG\",\"meterStart\":0,\"timestamp\":\"2026-12-03T11:59:00\"}]"));
        assertEquals(1, report.tolerated().size());
        assertEquals("TIMESTAMP_WITHOUT_OFFSET", report.tolerated().get(0).kind());
        assertTrue(report.tolerated().get(0).detail().startsWith("StartTransaction "), report.tolerated().toString());
    }

    @Test
    void aCallTheSchemaRefusesIsAnsweredByTheAdapterItself() {
        var refused = assertInstanceOf(ProtocolAdapter.Refused.class,
                read("[2,\"m1\",\"StatusNotification\",{\"connectorId\":1}]"));
        assertEquals(4, json(refused.frame()).get(0).asInt());
    }

    @Test
    void thePilesRepliesBecomeTheResponsesOfTheirCalls() {
        var start = (ProtocolAdapter.Report) read("[2,\"m1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"T\","
                + "\"meterStart\":0,\"timestamp\":\"2026-12-03T11:59:00Z\"}]");
        JsonNode answer = json(adapter.answer("m1", start, new ChargerReply.SessionStartAnswer(42,
                new Authorization(Authorization.Status.BLOCKED, null, null))));
        assertEquals(42, answer.get(2).get("transactionId").asInt());
        assertEquals("Blocked", answer.get(2).get("idTagInfo").get("status").asText());
        var status = (ProtocolAdapter.Report) read("[2,\"m2\",\"StatusNotification\",{\"connectorId\":1,"
                + "\"errorCode\":\"NoError\",\"status\":\"Available\"}]");
        assertEquals("{}", json(adapter.answer("m2", status, ChargerReply.ACKNOWLEDGED)).get(2).toString());
        JsonNode refusal = json(adapter.answer("m2", status,
                new ChargerReply.Refusal(ChargerReply.Reason.NOT_BOUND, "not yours")));
        assertEquals("SecurityError", refusal.get(2).asText());
    }

    @Test
    void everyOperationBecomesACallThatTheOcpp16SchemaAccepts() {
        List<ChargerOperation> operations = List.of(new ChargerOperation.StartCharging(1, "TAG"),
                new ChargerOperation.StartCharging(null, "TAG"), new ChargerOperation.StopCharging(5),
                new ChargerOperation.Reset(true), new ChargerOperation.ChangeAvailability(0, false),
                new ChargerOperation.Unlock(2), new ChargerOperation.ReadConfiguration(List.of("HeartbeatInterval")),
                new ChargerOperation.ReadConfiguration(List.of()),
                new ChargerOperation.ChangeConfiguration("HeartbeatInterval", "300"),
                new ChargerOperation.Trigger("StatusNotification", 1),
                new ChargerOperation.UpdateFirmware("https://fw.example/f.bin", now, 3, 60),
                new ChargerOperation.GetDiagnostics("ftp://logs.example/", null, null, now.minusSeconds(3600), now),
                new ChargerOperation.ClearCache(), new ChargerOperation.ProtocolCall("ocpp1.6", "ClearCache", "{}"));
        for (ChargerOperation op : operations) {
            ProtocolAdapter.Outbound out = adapter.call("c1", op);
            assertNull(out.failure(), op.toString());
            Frame.Call call = (Frame.Call) ((FrameCodec.Ok) FrameCodec.decode(out.frame())).frame();
            assertEquals(out.action(), call.action());
            var action = Ocpp16.action(call.action());
            assertEquals(List.of(), Ocpp16.VALIDATOR.validate(action.schemaName(false), call.payload()), op.toString());
        }
        assertEquals("Hard", ((Frame.Call) ((FrameCodec.Ok) FrameCodec.decode(
                adapter.call("c1", new ChargerOperation.Reset(true)).frame())).frame()).payload().get("type").asText());
    }

    @Test
    void aCallInAnotherProtocolIsNotSentToA16Charger() {
        ProtocolAdapter.Outbound out = adapter.call("c1",
                new ChargerOperation.ProtocolCall("ocpp2.0.1", "ClearCache", "{}"));
        assertNull(out.frame());
        assertNotNull(out.failure());
    }

    @Test
    void anAnswerThatBreaksTheSchemaIsNamedInvalid() {
        assertNull(adapter.invalidAnswer("Reset", json("{\"status\":\"Accepted\"}")));
        assertNotNull(adapter.invalidAnswer("Reset", json("{\"status\":\"Maybe\"}")));
    }

    @Test
    void theChargersAnswerIsItsStatusWordAndAnAnswerWithoutOneSaysYes() {
        assertEquals("Scheduled", adapter.answerWord("ChangeAvailability", json("{\"status\":\"Scheduled\"}")));
        assertEquals("Unlocked", adapter.answerWord("UnlockConnector", json("{\"status\":\"Unlocked\"}")));
        assertEquals("Accepted", adapter.answerWord("UpdateFirmware", json("{}")));
        assertEquals("Accepted", adapter.answerWord("GetConfiguration", json("{\"configurationKey\":[]}")));
    }
}
