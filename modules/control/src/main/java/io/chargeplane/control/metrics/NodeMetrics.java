package io.chargeplane.control.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's metrics (Micrometer, exposed in the Prometheus text format at {@code GET /metrics}): one registry per
 * actor system, so that two nodes in one JVM (tests) keep theirs apart. Meters that are recorded on hot paths (a
 * charger's call, a journal batch) are looked up once and cached here, never built per record.
 */
public final class NodeMetrics implements Extension {
    /** Buckets of the latency histograms: from a fast in-memory answer to an ask that timed out. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20)};

    public static final ExtensionId<NodeMetrics> ID = new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
            return new NodeMetrics();
        }
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Map<String, Timer>> calls = new ConcurrentHashMap<>();
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();
    private final Timer journalWrites;
    private final DistributionSummary journalBatchEvents;
    private final Timer telemetryWrites;

    private NodeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        journalWrites = Timer.builder("chargeplane.journal.write").description("one batch of journal writes, until committed")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        journalBatchEvents = DistributionSummary.builder("chargeplane.journal.batch.events")
                .description("events written in one journal batch").register(registry);
        telemetryWrites = Timer.builder("chargeplane.telemetry.write").description("one group commit of meter samples")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    public static NodeMetrics get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    /** For code that holds a classic actor system (the journal plugin). */
    public static NodeMetrics get(org.apache.pekko.actor.ActorSystem classic) {
        return org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(classic).registerExtension(ID);
    }

    /**
     * A charger's call answered: {@code outcome} is {@code result}, {@code error} (a CALLERROR), {@code shed} (not
     * processed under overload) or {@code timeout} (its entity did not answer in time).
     */
    public void call(String action, String outcome, long nanos) {
        // by action, then outcome: no key built per call on this path, which every charger call takes
        calls.computeIfAbsent(action, a -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> Timer.builder("chargeplane.ocpp.calls")
                        .description("calls from chargers, by action and outcome, from read to answered")
                        .tag("action", action).tag("outcome", outcome)
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A command to a charger reached {@code state}: {@code accepted}, or its outcome once it ended. */
    public void command(String action, String state) {
        commands.computeIfAbsent(action + '|' + state, k -> Counter.builder("chargeplane.commands")
                .description("server-to-charger commands, by action and state").tag("action", action)
                .tag("state", state).register(registry)).increment();
    }

    public void journalBatch(int events, long nanos) {
        journalWrites.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        journalBatchEvents.record(events);
    }

    public void telemetryBatch(long nanos) {
        telemetryWrites.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A value read at each scrape, such as the number of connected chargers. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
