package io.chargeplane.simulator.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the load chargers send. The message mix alternates MeterValues (four sampled values) and
 * StatusNotifications of which every other one is a real change; a full session is Authorize, Start,
 * MeterValues x n, Stop. Closed loop: a charger's next call leaves when the answer arrived. Open loop: calls
 * (or sessions) leave at a fixed offered rate and latency counts from when they were due.
 */
final class Workload {
    static final String TAG = "LOAD-TAG";

    private final List<LoadCharger> chargers;
    private final LatencyBook book;
    private final int meterValuesPerSession;
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong statusChanges = new AtomicLong();
    final AtomicLong meterValues = new AtomicLong();
    final AtomicLong sessions = new AtomicLong();
    final AtomicLong sessionsInWindow = new AtomicLong();
    final AtomicLong skippedBusy = new AtomicLong();
    private final int[] step;
    private final String[] lastStatus;
    private final long[] register;
    private final boolean[] inSession;

    Workload(List<LoadCharger> chargers, LatencyBook book, int meterValuesPerSession) {
        this.chargers = chargers;
        this.book = book;
        this.meterValuesPerSession = meterValuesPerSession;
        this.step = new int[chargers.size()];
        this.lastStatus = new String[chargers.size()];
        this.register = new long[chargers.size()];
        this.inSession = new boolean[chargers.size()];
    }

    // ---- payloads -------------------------------------------------------------------------------------

    static String boot(String identity) {
        return "{\"chargePointVendor\":\"LoadGen\",\"chargePointModel\":\"LG-1\",\"chargePointSerialNumber\":\""
                + identity + "\",\"firmwareVersion\":\"1.0\"}";
    }

    static String status(String status) {
        return "{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"" + status + "\",\"timestamp\":\""
                + Instant.now() + "\"}";
    }

    static String meterValues(Integer transactionId, long wh) {
        return "{\"connectorId\":1," + (transactionId == null ? "" : "\"transactionId\":" + transactionId + ",")
                + "\"meterValue\":[{\"timestamp\":\"" + Instant.now() + "\",\"sampledValue\":["
                + "{\"value\":\"" + wh + "\",\"measurand\":\"Energy.Active.Import.Register\",\"unit\":\"Wh\"},"
                + "{\"value\":\"7200\",\"measurand\":\"Power.Active.Import\",\"unit\":\"W\"},"
                + "{\"value\":\"31.3\",\"measurand\":\"Current.Import\",\"unit\":\"A\"},"
                + "{\"value\":\"230.1\",\"measurand\":\"Voltage\",\"unit\":\"V\"}]}]}";
    }

    static final int SAMPLES_PER_METER_VALUE = 4;

    // ---- the message mix ------------------------------------------------------------------------------

    /** Sends charger i's next mix call; {@code then} runs when it was answered (closed loop). */
    void mixCall(int i, long intendedNanos, Runnable then) {
        LoadCharger c = chargers.get(i);
        int k = step[i]++;
        if (k % 2 == 0) {
            register[i] += 10;
            c.call("MeterValues", meterValues(null, register[i]), intendedNanos, answer(() -> {
                meterValues.incrementAndGet();
                then.run();
            }));
        } else {
            int j = k / 2;
            String s = (j / 2) % 2 == 0 ? "Available" : "Charging";
            c.call("StatusNotification", status(s), intendedNanos, answer(() -> {
                synchronized (lastStatus) {
                    if (!s.equals(lastStatus[i])) {
                        statusChanges.incrementAndGet();
                    }
                    lastStatus[i] = s;
                }
                then.run();
            }));
        }
    }

    /** Heartbeats only: the cost of the socket path alone, with no state to change. */
    void closedLoopHeartbeats() {
        for (int i = 0; i < chargers.size(); i++) {
            loopHeartbeat(i);
        }
    }

    private void loopHeartbeat(int i) {
        if (running.get()) {
            chargers.get(i).call("Heartbeat", "{}", answer(() -> loopHeartbeat(i)));
        }
    }

    void closedLoopMix() {
        for (int i = 0; i < chargers.size(); i++) {
            loopMix(i);
        }
    }

    private void loopMix(int i) {
        if (running.get()) {
            mixCall(i, System.nanoTime(), () -> loopMix(i));
        }
    }

    /**
     * Offered load: the j-th call is due at start + j / rate, on charger j mod N. The calls are handed to the
     * chargers' I/O threads in batches, once per {@link #TICK_NANOS}: one hand-off per I/O thread and tick instead
     * of a cross-thread wake-up per call, and no thread spinning between calls (on a machine shared with the
     * server, both took the server's CPU). A call leaves at most a tick after it was due; its latency counts from
     * when it was due, so the delay is charged to the server's figure, never hidden.
     */
    void openLoopMix(double ratePerSecond, long untilNanos) {
        long start = System.nanoTime();
        double intervalNanos = 1e9 / ratePerSecond;
        Map<Executor, List<long[]>> byThread = new IdentityHashMap<>();
        long j = 0;
        while (running.get()) {
            long now = System.nanoTime();
            for (; ; j++) {
                long due = start + (long) (j * intervalNanos);
                if (due > now || due > untilNanos) {
                    break;
                }
                int i = (int) (j % chargers.size());
                byThread.computeIfAbsent(chargers.get(i).ioThread(), t -> new ArrayList<>()).add(new long[] {i, due});
            }
            for (Map.Entry<Executor, List<long[]>> e : byThread.entrySet()) {
                List<long[]> calls = e.getValue();
                if (!calls.isEmpty()) {
                    List<long[]> batch = new ArrayList<>(calls);
                    calls.clear();
                    e.getKey().execute(() -> {
                        for (long[] call : batch) {
                            mixCall((int) call[0], call[1], () -> { });
                        }
                    });
                }
            }
            if (start + (long) (j * intervalNanos) > untilNanos) {
                break;
            }
            long next = Math.max(start + (long) (j * intervalNanos), now + TICK_NANOS);
            for (long left; (left = next - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left); // no spinning: a call a little late is charged to the figure anyway
            }
        }
    }

    /** How often due open-loop calls are handed to the I/O threads. */
    static final long TICK_NANOS = 1_000_000;

    // ---- full sessions --------------------------------------------------------------------------------

    /** One whole session on charger i: Authorize, Start, MeterValues x n, Stop; then {@code then}. */
    void session(int i, Runnable then) {
        LoadCharger c = chargers.get(i);
        synchronized (inSession) {
            inSession[i] = true;
        }
        c.call("Authorize", "{\"idTag\":\"" + TAG + "\"}", answer(() -> {
            long meterStart = register[i];
            c.call("StartTransaction", "{\"connectorId\":1,\"idTag\":\"" + TAG + "\",\"meterStart\":" + meterStart
                    + ",\"timestamp\":\"" + Instant.now() + "\"}", answerWith(started -> {
                int tx = started.get("transactionId").asInt();
                meterValuesThenStop(c, i, tx, meterValuesPerSession, then);
            }));
        }));
    }

    private void meterValuesThenStop(LoadCharger c, int i, int tx, int left, Runnable then) {
        if (left > 0) {
            register[i] += 100;
            c.call("MeterValues", meterValues(tx, register[i]), answer(() -> {
                meterValues.incrementAndGet();
                meterValuesThenStop(c, i, tx, left - 1, then);
            }));
            return;
        }
        c.call("StopTransaction", "{\"transactionId\":" + tx + ",\"meterStop\":" + register[i] + ",\"timestamp\":\""
                + Instant.now() + "\",\"idTag\":\"" + TAG + "\",\"reason\":\"Local\"}", answer(() -> {
            sessions.incrementAndGet();
            sessionsInWindow.incrementAndGet();
            synchronized (inSession) {
                inSession[i] = false;
            }
            then.run();
        }));
    }

    void closedLoopSessions() {
        for (int i = 0; i < chargers.size(); i++) {
            loopSessions(i);
        }
    }

    private void loopSessions(int i) {
        if (running.get()) {
            session(i, () -> loopSessions(i));
        }
    }

    /** Offered sessions: the j-th starts at start + j / rate on the next charger that is not in a session. */
    void openLoopSessions(double sessionsPerSecond, long untilNanos) {
        long start = System.nanoTime();
        double intervalNanos = 1e9 / sessionsPerSecond;
        int next = 0;
        for (long j = 0; running.get(); j++) {
            long due = start + (long) (j * intervalNanos);
            if (due > untilNanos) {
                break;
            }
            waitUntil(due);
            int chosen = -1;
            synchronized (inSession) {
                for (int n = 0; n < chargers.size(); n++) {
                    int i = (next + n) % chargers.size();
                    if (!inSession[i]) {
                        chosen = i;
                        break;
                    }
                }
            }
            if (chosen < 0) {
                skippedBusy.incrementAndGet();
                continue;
            }
            next = chosen + 1;
            session(chosen, () -> { });
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private LoadCharger.Answer answer(Runnable onResult) {
        return answerWith(payload -> onResult.run());
    }

    private LoadCharger.Answer answerWith(java.util.function.Consumer<JsonNode> onResult) {
        return new LoadCharger.Answer() {
            @Override
            public void result(JsonNode payload) {
                onResult.accept(payload);
            }

            @Override
            public void error(String code) {
                // counted by the book; the charger's loop ends here (a figure with errors does not count)
            }
        };
    }

    static void waitUntil(long nanos) {
        long now;
        while ((now = System.nanoTime()) < nanos) {
            long left = nanos - now;
            if (left > 200_000) {
                LockSupport.parkNanos(left - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
