package io.chargeplane.gateway.ocpp;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.ocpp.Frame;
import java.time.Instant;
import java.util.List;

/**
 * One OCPP version at the edge: turns a charger's calls into the pile's language ({@link ChargerReport}) and the
 * pile's replies and operations back into that version's frames. The {@link ChargerSession} (ordering, back-pressure,
 * time-outs) is the same for every version; only this differs. OCPP-J framing (CALL / CALLRESULT / CALLERROR) is
 * shared by 1.6 and 2.0.1 and stays in {@link io.chargeplane.ocpp.FrameCodec}.
 */
public interface ProtocolAdapter {

    /** The WebSocket subprotocol this adapter speaks: {@code ocpp1.6}. */
    String subprotocol();

    /** What a charger's CALL is, read and checked against this version's schemas. */
    Inbound read(Frame.Call call, String pileId, Instant receivedAt);

    /** The frame that answers {@code report} (the CALL {@code callId}) with the pile's {@code reply}. */
    String answer(String callId, Report report, ChargerReply reply);

    String heartbeatAnswer(String callId, Instant serverTime);

    String dataTransferAnswer(String callId, boolean vendorKnown);

    String authorizeAnswer(String callId, Authorization authorization);

    /** The CALL that asks the charger for {@code operation}, or why this version cannot ask it. */
    Outbound call(String commandId, ChargerOperation operation);

    /** Why the charger's CALLRESULT to {@code action} is not a valid answer, or null when it is. */
    String invalidAnswer(String action, JsonNode payload);

    /**
     * The charger's answer to {@code action} in one word, as it said it (Accepted, Rejected, Scheduled, NotSupported,
     * Unlocked, ...): what a command's record shows, and what its outcome rules read.
     */
    String answerWord(String action, JsonNode payload);

    /** {@code action} if it is one of this version's actions, else "unknown" (metrics never grow by what chargers invent). */
    String knownAction(String action);

    /** A charger's call, as the session handles it. */
    sealed interface Inbound {
    }

    /** Refused by the adapter: send {@code frame} (a CALLERROR). */
    record Refused(String frame) implements Inbound {
    }

    /** Answered by the session at once ("still here"; nothing is written). */
    record Heartbeat() implements Inbound {
    }

    /** Vendor-specific data: accepted for a configured vendor, else UnknownVendorId. */
    record DataTransfer(String vendorId) implements Inbound {
    }

    /** An id tag to check; answered with its authorization, nothing is written. */
    record Authorize(String idTag) implements Inbound {
    }

    /**
     * A report for the pile. {@code authorizeIdTag}: the id tag to look up before it goes to the pile (null: none);
     * {@code tolerated}: the schema details a billing message broke.
     */
    record Report(ChargerReport report, String authorizeIdTag, List<ChargerReport.Tolerated> tolerated)
            implements Inbound {
    }

    /** A CALL for the charger ({@code frame}), or why it cannot be sent ({@code failure}). */
    record Outbound(String action, String frame, String failure) {
    }
}
