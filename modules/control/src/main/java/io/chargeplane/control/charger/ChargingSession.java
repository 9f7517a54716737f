package io.chargeplane.control.charger;

import java.time.Instant;

/** One charging session (OCPP transaction) of a pile, open or ended. Energy in Wh. */
public record ChargingSession(int transactionId, int connectorId, String idTag, String authorization,
                              long meterStart, Instant startedAt, Long lastMeterWh, Instant lastMeterAt,
                              Long meterStop, Instant stoppedAt, String stopReason, Long energyWh, String endedBy,
                              Long suspectStartRegisterWh) {

    /** A register that went backwards: the session counts 0 Wh, and operators should look at the meter. */
    public boolean meterWentBackwards(long meterStop) {
        return meterStop < meterStart && (suspectStartRegisterWh == null || meterStop < suspectStartRegisterWh);
    }

    /**
     * Energy billed up to {@code meterStop}. A start reading of 0 after the connector's register had shown
     * {@code suspectStartRegisterWh} is suspect: if the stop reading is still above that register, the
     * register was not really lost and the energy counts from it, not from 0 (which would bill the whole
     * register).
     */
    public long energyTo(long meterStop) {
        if (suspectStartRegisterWh != null && meterStop >= suspectStartRegisterWh) {
            return meterStop - suspectStartRegisterWh;
        }
        return Math.max(0, meterStop - meterStart);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOpen() {
        return endedBy == null;
    }

    public boolean endedByServer() {
        return endedBy != null && !"CHARGER".equals(endedBy);
    }

    /** The same StartTransaction, retried by a charger that did not get the answer (with a new message id). */
    public boolean isSameStart(int connector, String tag, long meter, Instant timestamp) {
        return connectorId == connector && idTag.equals(tag) && meterStart == meter && startedAt.equals(timestamp);
    }

    /** The reading a server-side close bills up to: the last register seen, else the start. */
    public long lastKnownWh() {
        return lastMeterWh != null ? Math.max(lastMeterWh, meterStart) : meterStart;
    }

    public ChargingSession withReading(long wh, Instant at) {
        return new ChargingSession(transactionId, connectorId, idTag, authorization, meterStart, startedAt, wh, at,
                meterStop, stoppedAt, stopReason, energyWh, endedBy, suspectStartRegisterWh);
    }

    public ChargingSession ended(long stop, Instant at, String reason, long energy, String by) {
        return new ChargingSession(transactionId, connectorId, idTag, authorization, meterStart, startedAt,
                lastMeterWh, lastMeterAt, stop, at, reason, energy, by, suspectStartRegisterWh);
    }
}
