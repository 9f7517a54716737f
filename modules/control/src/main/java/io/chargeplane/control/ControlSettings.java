package io.chargeplane.control;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code chargeplane.control} settings, read once.
 *
 * @param heartbeatInterval      interval told to chargers in BootNotification
 * @param unknownBootStatus      answer to a BootNotification from an identity that is not bound (Rejected or Pending)
 * @param commandTimeout         how long a server-to-charger call waits for its answer
 * @param outcomeTimeout         how long after an Accepted start, stop, reboot or change of availability its
 *                               outcome (the session, the boot, the status) is awaited before "not confirmed"
 * @param clockSkewTolerance     a charger timestamp further in the future than this flags the charger's clock
 * @param checkpointInterval     how often an open session's energy reading is persisted
 * @param disconnectedPassivation how long a pile stays in memory after its charger disconnected
 * @param deviceIdlePassivation  how long a device entity stays in memory after its last message
 * @param dataTransferVendors    vendor ids whose DataTransfer is accepted; others get UnknownVendorId
 */
public record ControlSettings(Duration heartbeatInterval,
                              String unknownBootStatus,
                              Duration commandTimeout,
                              Duration outcomeTimeout,
                              Duration clockSkewTolerance,
                              Duration checkpointInterval,
                              Duration disconnectedPassivation,
                              Duration deviceIdlePassivation,
                              java.util.List<String> dataTransferVendors,
                              int telemetryBatchRows,
                              int telemetryParallelism,
                              int unboundTableMaxRows) {

    public static ControlSettings from(Config root) {
        Config c = root.getConfig("chargeplane.control");
        String unknown = c.getString("unknown-identity-boot-status");
        if (!unknown.equals("Rejected") && !unknown.equals("Pending")) {
            throw new IllegalArgumentException("chargeplane.control.unknown-identity-boot-status must be Rejected or Pending");
        }
        return new ControlSettings(c.getDuration("heartbeat-interval"), unknown, c.getDuration("command-timeout"),
                c.getDuration("command-outcome-timeout"),
                c.getDuration("clock-skew-tolerance"), c.getDuration("energy-checkpoint-interval"),
                c.getDuration("disconnected-passivation"), c.getDuration("device-idle-passivation"),
                c.getStringList("data-transfer-vendors"),
                c.getInt("telemetry.batch-rows"), c.getInt("telemetry.parallelism"),
                c.getInt("unbound-identities.max-rows"));
    }
}
