package io.chargeplane.control.charger.language;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.chargeplane.control.CborSerializable;
import java.time.Instant;

/** The pile's answer to a {@link ChargerReport}, sent back to the charger's socket and put into its protocol there. */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
public sealed interface ChargerReply {

    ChargerReply ACKNOWLEDGED = new Acknowledged();

    /** Taken note of: the report needs no more than an acknowledgement. */
    record Acknowledged() implements ChargerReply {
    }

    /** The answer to a boot: whether the charger is let in, the server's time and how often to send heartbeats. */
    record BootAnswer(Registration registration, Instant serverTime, int heartbeatSeconds) implements ChargerReply {
    }

    enum Registration {
        ACCEPTED, PENDING, REJECTED
    }

    /** A started session's transaction id and its tag's authorization. */
    record SessionStartAnswer(int transactionId, Authorization authorization) implements ChargerReply {
    }

    /** A session's end was recorded; {@code authorization} of the tag that ended it, null when none was presented. */
    record SessionEndAnswer(Authorization authorization) implements ChargerReply {
    }

    /** The report was not taken: why, for the adapter's error code, and a description for the charger's log. */
    record Refusal(Reason reason, String description) implements ChargerReply {
    }

    enum Reason {
        /** The identity that sent it is not (or no longer) this charger's device. */
        NOT_BOUND,
        /** This server does not handle it. */
        NOT_SUPPORTED,
        /** The server could not record it now; the charger should retry. */
        INTERNAL
    }

    /** The reply to the charger's report {@code callId}, for the socket that sent it. */
    record ToCall(String callId, ChargerReply reply) implements CborSerializable {
    }
}
