package io.chargeplane.control.charger.rules;

import io.chargeplane.control.charger.ChargingSession;
import io.chargeplane.control.charger.MeterReadings;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.telemetry.MeterSample;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The energy register of each open session as the charger last reported it, and when it was last checkpointed to
 * the journal. In memory only: a checkpoint every {@code checkpointInterval} bounds what a crash can lose; a
 * server-side close bills up to the newest of the two.
 *
 * <p>Kept in place ({@code long[]} per session, overwritten): every charger in a session sends meter values, and a
 * new object per sample was one more for every young collection to copy (docs/benchmarks-history.md, eleventh round).
 */
public final class LiveRegisters {
    private final Map<Integer, long[]> register = new HashMap<>(); // txId -> {Wh, epochMilli of its ordering time}
    private final Map<Integer, Instant> lastCheckpoint = new HashMap<>();
    private final Duration skewTolerance;
    private final Duration checkpointInterval;

    public LiveRegisters(Duration skewTolerance, Duration checkpointInterval) {
        this.skewTolerance = skewTolerance;
        this.checkpointInterval = checkpointInterval;
    }

    /** A session began: its first checkpoint is due one interval after its start was received. */
    public void started(int transactionId, Instant receivedAt) {
        lastCheckpoint.put(transactionId, receivedAt);
    }

    /** Takes the sample if it is the session's energy register and not older than the one held. */
    public void remember(int transactionId, MeterSample sample) {
        Long wh = MeterReadings.energyRegisterWh(sample);
        if (wh == null) {
            return;
        }
        long orderAt = MeterReadings.orderingTime(sample, skewTolerance).toEpochMilli();
        long[] live = register.get(transactionId);
        if (live == null) {
            register.put(transactionId, new long[] {wh, orderAt});
        } else if (orderAt >= live[1]) {
            live[0] = wh;
            live[1] = orderAt;
        }
    }

    /** The checkpoint to persist now, if the session has a register and the last one is an interval old. */
    public PileEvent.SessionEnergyCheckpoint checkpointDue(int transactionId, Instant receivedAt) {
        long[] live = register.get(transactionId);
        if (live == null) {
            return null;
        }
        Instant last = lastCheckpoint.getOrDefault(transactionId, Instant.EPOCH);
        if (receivedAt.isBefore(last.plus(checkpointInterval))) {
            return null;
        }
        lastCheckpoint.put(transactionId, receivedAt);
        return new PileEvent.SessionEnergyCheckpoint(transactionId, live[0], Instant.ofEpochMilli(live[1]));
    }

    /**
     * Checkpoints for the energy readings of one message that span more than an interval (a charger's backlog after
     * it was offline, hours of readings in one MeterValues): each reading an interval or more after the last one
     * kept, and the newest, at their own times, so that they are priced in the periods they were taken in. Empty for
     * a message with one reading (the usual case: {@link #checkpointDue} then).
     */
    public java.util.List<PileEvent.SessionEnergyCheckpoint> backlog(int transactionId,
                                                                     java.util.List<MeterSample> samples,
                                                                     Instant receivedAt) {
        java.util.List<long[]> energy = new java.util.ArrayList<>(); // {Wh, epochMilli}
        for (MeterSample sample : samples) {
            Long wh = MeterReadings.energyRegisterWh(sample);
            if (wh != null) {
                energy.add(new long[] {wh, MeterReadings.orderingTime(sample, skewTolerance).toEpochMilli()});
            }
        }
        if (energy.size() < 2) {
            return java.util.List.of();
        }
        energy.sort(java.util.Comparator.comparingLong(e -> e[1]));
        long first = energy.get(0)[1];
        long last = energy.get(energy.size() - 1)[1];
        long interval = checkpointInterval.toMillis();
        if (last - first <= interval) {
            return java.util.List.of();
        }
        java.util.List<PileEvent.SessionEnergyCheckpoint> out = new java.util.ArrayList<>();
        long kept = Long.MIN_VALUE;
        for (int i = 0; i < energy.size(); i++) {
            long[] e = energy.get(i);
            if (i == energy.size() - 1 || kept == Long.MIN_VALUE || e[1] - kept >= interval) {
                out.add(new PileEvent.SessionEnergyCheckpoint(transactionId, e[0], Instant.ofEpochMilli(e[1])));
                kept = e[1];
            }
        }
        lastCheckpoint.put(transactionId, receivedAt);
        return out;
    }

    /** The reading a server-side close bills up to: the live register, or the session's last checkpoint. */
    public long lastKnownWh(ChargingSession open) {
        long[] live = register.get(open.transactionId());
        return live != null ? Math.max(live[0], open.lastKnownWh()) : open.lastKnownWh();
    }

    /** The session with its live register, for views. */
    public ChargingSession withLive(ChargingSession open) {
        long[] live = register.get(open.transactionId());
        return live == null ? open : open.withReading(live[0], Instant.ofEpochMilli(live[1]));
    }

    public void forget(int transactionId) {
        register.remove(transactionId);
        lastCheckpoint.remove(transactionId);
    }
}
