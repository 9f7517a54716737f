package io.chargeplane.control.charger.language;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.chargeplane.control.telemetry.MeterSample;
import java.time.Instant;
import java.util.List;

/**
 * A fact a charger reports to its pile, already read and checked by its protocol adapter. Times are the charger's
 * own clock (null where the protocol leaves them out); the pile orders by the time of receipt where they are skewed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
public sealed interface ChargerReport {

    /** The charger (re)booted and says what it is. */
    record BootReported(String vendor, String model, String serialNumber, String firmwareVersion)
            implements ChargerReport {
    }

    /** A connector's (0: the whole charger's) status; repeated identical reports change nothing. */
    record StatusReported(int connectorId, String status, String errorCode, String info, String vendorErrorCode,
                          Instant timestamp) implements ChargerReport {
    }

    /** A session began on a connector; the pile gives it its transaction id. */
    record SessionStartReported(int connectorId, String idTag, long meterStartWh, Instant startedAt,
                                Integer reservationId) implements ChargerReport {
    }

    /** A session ended, with the readings the charger kept for it ({@code idTag} null when none was presented). */
    record SessionEndReported(int transactionId, long meterStopWh, Instant stoppedAt, String reason, String idTag,
                              List<MeterSample> readings) implements ChargerReport {
    }

    /** Meter readings of a connector, inside a session ({@code transactionId}) or not. */
    record MeterReported(int connectorId, Integer transactionId, List<MeterSample> readings) implements ChargerReport {
    }

    record FirmwareStatusReported(String status) implements ChargerReport {
    }

    record DiagnosticsStatusReported(String status) implements ChargerReport {
    }

    /**
     * A deviation from the protocol's schema that the adapter let through (a billing message is never refused for a
     * detail): {@code kind} TIMESTAMP_WITHOUT_OFFSET or SCHEMA_VIOLATION_TOLERATED, raised as an alert.
     */
    record Tolerated(String kind, String detail) {
    }
}
