package io.chargeplane.control.charger;

import io.chargeplane.pricing.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One charging session (OCPP transaction) of a pile, open or ended. Energy in Wh. {@code readings} are its billing
 * readings after the start (the persisted checkpoints, then the stop); {@code price} what it cost, once priced.
 */
public record ChargingSession(int transactionId, int connectorId, String idTag, String authorization,
                              long meterStart, Instant startedAt, Long lastMeterWh, Instant lastMeterAt,
                              Long meterStop, Instant stoppedAt, String stopReason, Long energyWh, String endedBy,
                              Long suspectStartRegisterWh, List<Reading> readings, SessionPrice price,
                              Instant billedFrom) {
    /**
     * Billing readings a session keeps at most: past it every other one in the middle goes (a checkpoint a minute
     * for 8 hours would be 480), so a long session bills at a coarser grain instead of growing without end.
     */
    static final int MAX_READINGS = 256;

    public ChargingSession {
        readings = readings == null ? List.of() : readings; // sessions from before billing readings were kept
        billedFrom = billedFrom == null ? startedAt : billedFrom;
    }

    public ChargingSession(int transactionId, int connectorId, String idTag, String authorization, long meterStart,
                           Instant startedAt, Long lastMeterWh, Instant lastMeterAt, Long meterStop, Instant stoppedAt,
                           String stopReason, Long energyWh, String endedBy, Long suspectStartRegisterWh) {
        this(transactionId, connectorId, idTag, authorization, meterStart, startedAt, lastMeterWh, lastMeterAt,
                meterStop, stoppedAt, stopReason, energyWh, endedBy, suspectStartRegisterWh, List.of(), null, null);
    }

    /**
     * What the session is billed from: the start, the kept readings, and {@code last} (the stop, or the live register
     * for a running cost) when it is newer than them. A register reading below the start (a meter that went back) is
     * kept: the calculator flags it.
     */
    public List<Reading> billingReadings(Reading last) {
        List<Reading> out = new ArrayList<>(readings.size() + 2);
        out.add(new Reading(billedFrom, baselineWh()));
        for (Reading r : readings) {
            if (r.at().isAfter(billedFrom)) {
                out.add(r);
            }
        }
        if (last != null && last.at().isAfter(out.get(out.size() - 1).at())) {
            out.add(last);
        }
        return out;
    }

    /** The register energy counts from (a suspect start reading of 0 counts from the register before it). */
    long baselineWh() {
        return suspectStartRegisterWh != null && (meterStop == null || meterStop >= suspectStartRegisterWh)
                ? suspectStartRegisterWh : meterStart;
    }

    /** The same session with one more billing reading (thinned past {@link #MAX_READINGS}). */
    ChargingSession withBillingReading(long wh, Instant at) {
        List<Reading> more = new ArrayList<>(readings);
        more.add(new Reading(at, wh));
        if (more.size() > MAX_READINGS) {
            List<Reading> thinned = new ArrayList<>(more.size() / 2 + 2);
            for (int i = 0; i < more.size(); i++) {
                if (i % 2 == 0 || i == more.size() - 1) {
                    thinned.add(more.get(i));
                }
            }
            more = thinned;
        }
        return new ChargingSession(transactionId, connectorId, idTag, authorization, meterStart, startedAt, wh, at,
                meterStop, stoppedAt, stopReason, energyWh, endedBy, suspectStartRegisterWh, List.copyOf(more), price,
                billedFrom);
    }

    public ChargingSession priced(SessionPrice p) {
        return new ChargingSession(transactionId, connectorId, idTag, authorization, meterStart, startedAt,
                lastMeterWh, lastMeterAt, meterStop, stoppedAt, stopReason, energyWh, endedBy, suspectStartRegisterWh,
                readings, p, billedFrom);
    }

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
                meterStop, stoppedAt, stopReason, energyWh, endedBy, suspectStartRegisterWh, readings, price,
                billedFrom);
    }

    public ChargingSession ended(long stop, Instant at, String reason, long energy, String by) {
        return new ChargingSession(transactionId, connectorId, idTag, authorization, meterStart, startedAt,
                lastMeterWh, lastMeterAt, stop, at, reason, energy, by, suspectStartRegisterWh, readings, null,
                billedFrom);
    }
}
