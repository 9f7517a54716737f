package io.chargeplane.simulator.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.ocpp.OcppJson;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Latency histograms (microseconds) and counts per call type; safe to record from many threads. */
public final class LatencyBook {
    private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
    private final Map<String, Histogram> totals = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder timeouts = new LongAdder();
    private volatile long errorsBeforeWindow;
    private volatile long timeoutsBeforeWindow;
    private volatile boolean recording = true;

    public void record(String type, long micros) {
        if (recording) {
            recorders.computeIfAbsent(type, t -> new Recorder(3)).recordValue(Math.max(1, micros));
        }
    }

    public void error(String type, String code) {
        errors.computeIfAbsent(type + ":" + code, t -> new LongAdder()).increment();
    }

    public void timeout() {
        timeouts.increment();
    }

    /**
     * Forget the latencies recorded so far (after a warm-up). CALLERRORs and timeouts keep counting from the start
     * (a figure counts only without any); those since the last reset are reported beside them.
     */
    public void reset() {
        recorders.values().forEach(Recorder::reset);
        errorsBeforeWindow = callErrors();
        timeoutsBeforeWindow = timeouts();
    }

    public void stop() {
        recording = false;
    }

    public long count(String type) {
        Histogram h = snapshot().get(type);
        return h == null ? 0 : h.getTotalCount();
    }

    public long answered() {
        return snapshot().values().stream().mapToLong(Histogram::getTotalCount).sum();
    }

    public long callErrors() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    private synchronized Map<String, Histogram> snapshot() {
        recorders.forEach((type, r) -> totals.computeIfAbsent(type, t -> new Histogram(3)).add(r.getIntervalHistogram()));
        return totals;
    }

    /** {"Type": {"count", "p50ms", "p90ms", "p99ms", "p999ms", "maxms"}, ...} plus errors and timeouts. */
    public ObjectNode toJson() {
        ObjectNode calls = OcppJson.MAPPER.createObjectNode();
        Histogram all = new Histogram(3);
        new TreeMap<>(snapshot()).forEach((type, h) -> {
            all.add(h);
            calls.set(type, stats(h));
        });
        calls.set("all", stats(all));
        ObjectNode out = OcppJson.MAPPER.createObjectNode();
        out.set("latency", calls);
        ObjectNode errs = OcppJson.MAPPER.createObjectNode();
        errors.forEach((k, v) -> errs.put(k, v.sum()));
        out.set("callErrorsByType", errs);
        out.put("callErrors", callErrors());
        out.put("timeouts", timeouts());
        out.put("callErrorsInWindow", callErrors() - errorsBeforeWindow);
        out.put("timeoutsInWindow", timeouts() - timeoutsBeforeWindow);
        return out;
    }

    private static ObjectNode stats(Histogram h) {
        ObjectNode n = OcppJson.MAPPER.createObjectNode();
        n.put("count", h.getTotalCount());
        n.put("p50ms", h.getValueAtPercentile(50) / 1000.0);
        n.put("p90ms", h.getValueAtPercentile(90) / 1000.0);
        n.put("p99ms", h.getValueAtPercentile(99) / 1000.0);
        n.put("p999ms", h.getValueAtPercentile(99.9) / 1000.0);
        n.put("maxms", h.getMaxValue() / 1000.0);
        return n;
    }
}
