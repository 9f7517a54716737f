package io.chargeplane.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void readsACallFromTheSpecExample() {
        var d = FrameCodec.decode("[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"VendorX\",\"chargePointModel\":\"SingleSocketCharger\"}]");
        Frame.Call call = (Frame.Call) ((FrameCodec.Ok) d).frame();
        assertEquals("19223201", call.messageId());
        assertEquals("BootNotification", call.action());
        assertEquals("VendorX", call.payload().get("chargePointVendor").asText());
    }

    @Test
    void readsCallResultAndCallError() {
        var r = (Frame.CallResult) ((FrameCodec.Ok) FrameCodec.decode("[3,\"a\",{\"status\":\"Accepted\"}]")).frame();
        assertEquals("Accepted", r.payload().get("status").asText());
        var e = (Frame.CallError) ((FrameCodec.Ok) FrameCodec.decode("[4,\"b\",\"NotSupported\",\"no\",{}]")).frame();
        assertEquals(ErrorCode.NotSupported, e.code());
    }

    @Test
    void anUnknownErrorCodeFromAChargerIsReadAsGenericError() {
        var e = (Frame.CallError) ((FrameCodec.Ok) FrameCodec.decode("[4,\"b\",\"Weird\",\"x\",{}]")).frame();
        assertEquals(ErrorCode.GenericError, e.code());
    }

    @Test
    void notJsonHasNoReadableId() {
        var m = assertInstanceOf(FrameCodec.Malformed.class, FrameCodec.decode("[2,\"1\",\"Heartbeat\",{"));
        assertFalse(m.idReadable());
    }

    @Test
    void aNonArrayOrANumericIdHasNoReadableId() {
        assertNull(((FrameCodec.Malformed) FrameCodec.decode("{\"a\":1}")).messageId());
        assertNull(((FrameCodec.Malformed) FrameCodec.decode("[2,17,\"Heartbeat\",{}]")).messageId());
        assertNull(((FrameCodec.Malformed) FrameCodec.decode("[2]")).messageId());
    }

    @Test
    void aCallWithTheWrongElementCountIsAFormationViolationWithItsId() {
        var m = assertInstanceOf(FrameCodec.Malformed.class, FrameCodec.decode("[2,\"42\",\"Heartbeat\"]"));
        assertEquals("42", m.messageId());
        assertTrue(m.answerable());
    }

    @Test
    void aCallWhosePayloadIsNotAnObjectOrWhoseActionIsNotAStringIsMalformed() {
        assertTrue(((FrameCodec.Malformed) FrameCodec.decode("[2,\"1\",\"Heartbeat\",[]]")).answerable());
        assertTrue(((FrameCodec.Malformed) FrameCodec.decode("[2,\"1\",7,{}]")).answerable());
        assertTrue(((FrameCodec.Malformed) FrameCodec.decode("[9,\"1\",\"Heartbeat\",{}]")).answerable());
    }

    @Test
    void aBrokenCallResultIsNotAnswered() {
        var m = (FrameCodec.Malformed) FrameCodec.decode("[3,\"1\"]");
        assertEquals("1", m.messageId());
        assertFalse(m.answerable());
    }

    @Test
    void encodesTheThreeFrameKindsAsTheSpecShowsThem() {
        assertEquals("[2,\"7\",\"Reset\",{\"type\":\"Hard\"}]",
                FrameCodec.call("7", "Reset", java.util.Map.of("type", "Hard")));
        assertEquals("[3,\"7\",{}]", FrameCodec.callResult("7", java.util.Map.of()));
        assertEquals("[4,\"7\",\"NotImplemented\",\"unknown\",{}]",
                FrameCodec.callError("7", ErrorCode.NotImplemented, "unknown"));
    }
}
