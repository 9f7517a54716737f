package io.chargeplane.control.charger.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRulesTest {
    private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");
    private static final Duration BASE = Duration.ofMinutes(3);

    @Test
    void startsStopsAndRebootsWaitMinutesForAnOfflineChargerSettingsWaitDays() {
        assertEquals(CommandRules.SHORT_WAIT, CommandRules.defaultWait(new ChargerOperation.StartCharging(1, "T")));
        assertEquals(CommandRules.SHORT_WAIT, CommandRules.defaultWait(new ChargerOperation.Reset(true)));
        assertEquals(CommandRules.SHORT_WAIT, CommandRules.defaultWait(new ChargerOperation.Unlock(1)));
        assertEquals(CommandRules.LONG_WAIT, CommandRules.defaultWait(new ChargerOperation.ChangeAvailability(0, false)));
        assertEquals(CommandRules.LONG_WAIT, CommandRules.defaultWait(new ChargerOperation.ChangeConfiguration("k", "v")));
        assertEquals(CommandRules.LONG_WAIT, CommandRules.defaultWait(
                new ChargerOperation.UpdateFirmware("https://x/f.bin", T, null, null)));
    }

    @Test
    void onlyWhatDoesTheSameTwiceIsSentAgainAfterARestart() {
        assertTrue(CommandRules.safeToRepeat(new ChargerOperation.ReadConfiguration(List.of())));
        assertTrue(CommandRules.safeToRepeat(new ChargerOperation.ChangeAvailability(1, true)));
        assertTrue(CommandRules.safeToRepeat(new ChargerOperation.ClearCache()));
        assertFalse(CommandRules.safeToRepeat(new ChargerOperation.Reset(false)));
        assertFalse(CommandRules.safeToRepeat(new ChargerOperation.StartCharging(null, "T")));
        assertFalse(CommandRules.safeToRepeat(new ChargerOperation.StopCharging(5)));
        assertFalse(CommandRules.safeToRepeat(new ChargerOperation.Unlock(1)));
        assertFalse(CommandRules.safeToRepeat(new ChargerOperation.UpdateFirmware("u", T, null, null)));
    }

    @Test
    void aNewerCommandReplacesOnlyTheSameSetting() {
        assertTrue(CommandRules.replaces(new ChargerOperation.ChangeConfiguration("HeartbeatInterval", "60"),
                new ChargerOperation.ChangeConfiguration("heartbeatinterval", "30")));
        assertFalse(CommandRules.replaces(new ChargerOperation.ChangeConfiguration("HeartbeatInterval", "60"),
                new ChargerOperation.ChangeConfiguration("MeterValueSampleInterval", "30")));
        assertTrue(CommandRules.replaces(new ChargerOperation.ChangeAvailability(1, true),
                new ChargerOperation.ChangeAvailability(1, false)));
        assertFalse(CommandRules.replaces(new ChargerOperation.ChangeAvailability(1, true),
                new ChargerOperation.ChangeAvailability(2, false)));
        assertFalse(CommandRules.replaces(new ChargerOperation.Reset(true), new ChargerOperation.Reset(true)),
                "two reboots asked are two reboots");
    }

    @Test
    void anAcceptedStartAwaitsItsSessionARefusalIsTheWholeOutcome() {
        var start = new ChargerOperation.StartCharging(1, "TAG");
        assertEquals(BASE, CommandRules.awaitOutcome(start, "Accepted", T, BASE));
        assertNull(CommandRules.awaitOutcome(start, "Rejected", T, BASE));
        assertNull(CommandRules.awaitOutcome(new ChargerOperation.Unlock(1), "Unlocked", T, BASE));
        assertNull(CommandRules.awaitOutcome(new ChargerOperation.ReadConfiguration(List.of()), "Accepted", T, BASE));
        assertEquals(Duration.ofHours(24), CommandRules.awaitOutcome(
                new ChargerOperation.ChangeAvailability(0, false), "Scheduled", T, BASE));
        assertEquals(Duration.ofHours(26), CommandRules.awaitOutcome(
                new ChargerOperation.UpdateFirmware("u", T.plus(Duration.ofHours(2)), null, null), "Accepted", T, BASE),
                "the firmware's time runs from its retrieve date");
    }

    @Test
    void eachOutcomeIsConfirmedByItsOwnFact() {
        var start = new ChargerOperation.StartCharging(null, "TAG");
        assertTrue(CommandRules.judge(start, new ChargerReport.SessionStartReported(2, "tag", 0, T, null)).confirmed(),
                "id tags compare without case; any connector when none was asked");
        assertNull(CommandRules.judge(new ChargerOperation.StartCharging(1, "TAG"),
                new ChargerReport.SessionStartReported(2, "TAG", 0, T, null)));
        assertNull(CommandRules.judge(start, new ChargerReport.SessionStartReported(1, "OTHER", 0, T, null)));
        assertTrue(CommandRules.judge(new ChargerOperation.StopCharging(7),
                new ChargerReport.SessionEndReported(7, 100, T, "Remote", null, List.of())).confirmed());
        assertNull(CommandRules.judge(new ChargerOperation.StopCharging(7),
                new ChargerReport.SessionEndReported(8, 100, T, "Remote", null, List.of())));
        assertTrue(CommandRules.judge(new ChargerOperation.Reset(false),
                new ChargerReport.BootReported("A", "M", "S", "1.1")).confirmed());
        var outOfService = new ChargerOperation.ChangeAvailability(0, false);
        assertNull(CommandRules.judge(outOfService, status(1, "Available")));
        assertTrue(CommandRules.judge(outOfService, status(1, "Unavailable")).confirmed());
        assertTrue(CommandRules.judge(new ChargerOperation.ChangeAvailability(1, true), status(1, "Available"))
                .confirmed());
        var firmware = new ChargerOperation.UpdateFirmware("u", T, null, null);
        assertNull(CommandRules.judge(firmware, new ChargerReport.FirmwareStatusReported("Downloading")));
        assertTrue(CommandRules.judge(firmware, new ChargerReport.FirmwareStatusReported("Installed")).confirmed());
        assertFalse(CommandRules.judge(firmware, new ChargerReport.FirmwareStatusReported("InstallationFailed"))
                .confirmed());
        assertFalse(CommandRules.judge(new ChargerOperation.GetDiagnostics("u", null, null, null, null),
                new ChargerReport.DiagnosticsStatusReported("UploadFailed")).confirmed());
    }

    private static ChargerReport.StatusReported status(int connector, String status) {
        return new ChargerReport.StatusReported(connector, status, "NoError", null, null, null);
    }
}
