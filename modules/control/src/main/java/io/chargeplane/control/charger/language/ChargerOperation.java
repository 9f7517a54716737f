package io.chargeplane.control.charger.language;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/**
 * What an operator asks a charger to do, whatever protocol it speaks; the charger's adapter turns it into a call
 * and its answer into an outcome. {@link #name()} is how command lists and metrics name it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
public sealed interface ChargerOperation {

    @JsonIgnore
    String name();

    /** Start charging on a connector (any free one when null) for an id tag. */
    record StartCharging(Integer connectorId, String idTag) implements ChargerOperation {
        public String name() {
            return "RemoteStartTransaction";
        }
    }

    record StopCharging(int transactionId) implements ChargerOperation {
        public String name() {
            return "RemoteStopTransaction";
        }
    }

    record Reset(boolean hard) implements ChargerOperation {
        public String name() {
            return "Reset";
        }
    }

    /** Take a connector (0: the whole charger) out of service or back in. */
    record ChangeAvailability(int connectorId, boolean operative) implements ChargerOperation {
        public String name() {
            return "ChangeAvailability";
        }
    }

    record Unlock(int connectorId) implements ChargerOperation {
        public String name() {
            return "UnlockConnector";
        }
    }

    /** Read configuration keys (all when empty). */
    record ReadConfiguration(List<String> keys) implements ChargerOperation {
        public String name() {
            return "GetConfiguration";
        }
    }

    record ChangeConfiguration(String key, String value) implements ChargerOperation {
        public String name() {
            return "ChangeConfiguration";
        }
    }

    /** Ask the charger to send a message now (BootNotification, StatusNotification, MeterValues, ...). */
    record Trigger(String message, Integer connectorId) implements ChargerOperation {
        public String name() {
            return "TriggerMessage";
        }
    }

    /** Clear the charger's cache of id tags it authorized. */
    record ClearCache() implements ChargerOperation {
        public String name() {
            return "ClearCache";
        }
    }

    record UpdateFirmware(String location, Instant retrieveAt, Integer retries, Integer retryIntervalSeconds)
            implements ChargerOperation {
        public String name() {
            return "UpdateFirmware";
        }
    }

    record GetDiagnostics(String location, Integer retries, Integer retryIntervalSeconds, Instant from, Instant to)
            implements ChargerOperation {
        public String name() {
            return "GetDiagnostics";
        }
    }

    /**
     * A call in one protocol's own terms ({@code protocol} "ocpp1.6", {@code action}, payload as JSON), for the calls
     * that have no operation of their own yet (cache, reservations, local lists, smart charging, data transfer). Only a
     * charger speaking that protocol is sent it; any other fails the command.
     */
    record ProtocolCall(String protocol, String action, String payloadJson) implements ChargerOperation {
        public String name() {
            return action;
        }
    }
}
