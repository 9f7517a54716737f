package io.chargeplane.control.charger.rules;

import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReport;
import java.time.Duration;
import java.time.Instant;

/**
 * What each operation means for its command's life, whatever the protocol: how long it may wait for an offline
 * charger, whether it may be sent again after a restart, which newer command replaces it, and which answer
 * promises an outcome, confirmed by which fact from the charger and within how long.
 */
public final class CommandRules {
    /** Start, stop, unlock, reboot, trigger: a driver or a technician waits; stale after minutes. */
    public static final Duration SHORT_WAIT = Duration.ofMinutes(5);
    /** Configuration, availability, firmware, diagnostics, cache: still wanted when the charger is back days later. */
    public static final Duration LONG_WAIT = Duration.ofDays(7);
    /** The longest wait an operator may ask for. */
    public static final Duration MAX_WAIT = Duration.ofDays(30);
    /** A change of availability answered Scheduled happens when the session ends: hours, not minutes. */
    static final Duration SCHEDULED_WITHIN = Duration.ofHours(24);
    /** A firmware update: download, install and reboot, after its retrieve date. */
    static final Duration FIRMWARE_WITHIN = Duration.ofHours(24);
    static final Duration DIAGNOSTICS_WITHIN = Duration.ofHours(1);

    private CommandRules() {
    }

    /** How long a command waits for an offline (or busy) charger unless the operator says otherwise. */
    public static Duration defaultWait(ChargerOperation op) {
        if (op instanceof ChargerOperation.ReadConfiguration) {
            return Duration.ofHours(1);
        }
        if (op instanceof ChargerOperation.ChangeConfiguration || op instanceof ChargerOperation.ChangeAvailability
                || op instanceof ChargerOperation.UpdateFirmware || op instanceof ChargerOperation.GetDiagnostics
                || op instanceof ChargerOperation.ClearCache) {
            return LONG_WAIT;
        }
        return SHORT_WAIT;
    }

    /**
     * Whether a command sent before a restart, whose answer never came, may be sent again: only what does the same
     * thing twice over (reading or setting a value, a state, a cache). A reboot, a start, a stop, an unlock, a
     * firmware download are never repeated blindly.
     */
    public static boolean safeToRepeat(ChargerOperation op) {
        return op instanceof ChargerOperation.ReadConfiguration || op instanceof ChargerOperation.ChangeConfiguration
                || op instanceof ChargerOperation.ChangeAvailability || op instanceof ChargerOperation.ClearCache
                || op instanceof ChargerOperation.Trigger;
    }

    /** Whether {@code newer} makes a still-queued {@code older} pointless: the same setting asked again. */
    public static boolean replaces(ChargerOperation newer, ChargerOperation older) {
        if (older == null || newer.getClass() != older.getClass()) {
            return false;
        }
        if (newer instanceof ChargerOperation.ChangeConfiguration n) {
            return n.key().equalsIgnoreCase(((ChargerOperation.ChangeConfiguration) older).key());
        }
        if (newer instanceof ChargerOperation.ChangeAvailability n) {
            return n.connectorId() == ((ChargerOperation.ChangeAvailability) older).connectorId();
        }
        return newer instanceof ChargerOperation.UpdateFirmware || newer instanceof ChargerOperation.GetDiagnostics
                || newer instanceof ChargerOperation.ClearCache;
    }

    /**
     * How long after {@code answer} the outcome is awaited, or null when the answer is the whole outcome (a
     * refusal, a configuration read, an unlock). {@code base}: the configured time for a start, stop, reboot or
     * change of availability.
     */
    public static Duration awaitOutcome(ChargerOperation op, String answer, Instant answeredAt, Duration base) {
        boolean accepted = "Accepted".equals(answer);
        if (op instanceof ChargerOperation.StartCharging || op instanceof ChargerOperation.StopCharging
                || op instanceof ChargerOperation.Reset) {
            return accepted ? base : null;
        }
        if (op instanceof ChargerOperation.ChangeAvailability) {
            return accepted ? base : "Scheduled".equals(answer) ? SCHEDULED_WITHIN : null;
        }
        if (op instanceof ChargerOperation.UpdateFirmware fw) {
            if (!accepted) {
                return null;
            }
            Duration until = fw.retrieveAt() == null || !fw.retrieveAt().isAfter(answeredAt) ? Duration.ZERO
                    : Duration.between(answeredAt, fw.retrieveAt());
            return until.plus(FIRMWARE_WITHIN);
        }
        if (op instanceof ChargerOperation.GetDiagnostics) {
            return accepted ? DIAGNOSTICS_WITHIN : null;
        }
        return null;
    }

    /** What a report says of a command awaiting its outcome: confirmed, failed, with the fact in words. */
    public record Verdict(boolean confirmed, String detail) {
    }

    /** The verdict of {@code report} on {@code op}'s awaited outcome, or null when the report says nothing of it. */
    public static Verdict judge(ChargerOperation op, ChargerReport report) {
        if (op instanceof ChargerOperation.StartCharging start
                && report instanceof ChargerReport.SessionStartReported s
                && s.idTag() != null && s.idTag().equalsIgnoreCase(start.idTag())
                && (start.connectorId() == null || start.connectorId() == s.connectorId())) {
            return new Verdict(true, "a session started on connector " + s.connectorId() + " for " + s.idTag());
        }
        if (op instanceof ChargerOperation.StopCharging stop && report instanceof ChargerReport.SessionEndReported e
                && e.transactionId() == stop.transactionId()) {
            return new Verdict(true, "transaction " + e.transactionId() + " stopped"
                    + (e.reason() != null ? " (" + e.reason() + ")" : ""));
        }
        if (op instanceof ChargerOperation.Reset && report instanceof ChargerReport.BootReported b) {
            return new Verdict(true, "the charger booted again"
                    + (b.firmwareVersion() != null ? " with firmware " + b.firmwareVersion() : ""));
        }
        if (op instanceof ChargerOperation.ChangeAvailability change && report instanceof ChargerReport.StatusReported st
                && (change.connectorId() == 0 || change.connectorId() == st.connectorId())) {
            boolean unavailable = "Unavailable".equals(st.status());
            if (unavailable != change.operative()) {
                return new Verdict(true, "connector " + st.connectorId() + " is " + st.status());
            }
            return null;
        }
        if (op instanceof ChargerOperation.UpdateFirmware && report instanceof ChargerReport.FirmwareStatusReported f) {
            return switch (f.status()) {
                case "Installed" -> new Verdict(true, "firmware installed");
                case "DownloadFailed", "InstallationFailed" -> new Verdict(false, "firmware update failed: " + f.status());
                default -> null;
            };
        }
        if (op instanceof ChargerOperation.GetDiagnostics && report instanceof ChargerReport.DiagnosticsStatusReported d) {
            return switch (d.status()) {
                case "Uploaded" -> new Verdict(true, "diagnostics uploaded");
                case "UploadFailed" -> new Verdict(false, "diagnostics upload failed");
                default -> null;
            };
        }
        return null;
    }

    /** Why an answered command's outcome was not confirmed. */
    public static String notConfirmed(ChargerOperation op, Duration within) {
        String awaited = op instanceof ChargerOperation.StartCharging ? "no session started"
                : op instanceof ChargerOperation.StopCharging ? "the transaction did not stop"
                : op instanceof ChargerOperation.Reset ? "no boot followed"
                : op instanceof ChargerOperation.ChangeAvailability ? "the connector status did not change"
                : op instanceof ChargerOperation.UpdateFirmware ? "the firmware was not reported installed"
                : "the diagnostics were not reported uploaded";
        return "not confirmed: " + awaited + " within " + human(within);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 && s >= 3600 ? s / 3600 + " h" : s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
    }
}
