package io.chargeplane.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.Control;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.db.Dialect;
import io.chargeplane.gateway.Edges;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** One ChargePlane node: database, actor system (cluster member), entities and the HTTP edge. */
public final class ChargePlaneNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final Database db;
    private final Control control;
    private final Edges edges;
    private final int managementPort;

    private ChargePlaneNode(ActorSystem<Void> system, Database db, Control control, Edges edges, int managementPort) {
        this.managementPort = managementPort;
        this.system = system;
        this.db = db;
        this.control = control;
        this.edges = edges;
    }

    /**
     * Completes an unresolved configuration: the journal's driver and Slick profile follow the database URL.
     * Pass {@code ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication())} or a test's
     * own settings in front of that.
     */
    public static Config resolve(Config config) {
        Config loaded = config.withFallback(ConfigFactory.defaultReference()).resolve();
        Dialect dialect = Dialect.fromJdbcUrl(loaded.getString("chargeplane.db.url"));
        Map<String, Object> derived = dialect == Dialect.POSTGRES
                ? Map.of("chargeplane.db.driver", "org.postgresql.Driver",
                         "chargeplane.db.slick-profile", "slick.jdbc.PostgresProfile$",
                         "pekko.projection.jdbc.dialect", "postgres-dialect",
                         // by-tag polls: a plan for the actual offset each time, never a generic one that walks the
                         // journal by ordering (see docs/benchmarks-history.md)
                         "pekko-persistence-jdbc.shared-databases.slick-read.db.connectionInitSql",
                         "SET plan_cache_mode = force_custom_plan")
                : Map.of("chargeplane.db.url", Dialect.durableUrl(loaded.getString("chargeplane.db.url")),
                         "chargeplane.db.driver", "org.h2.Driver",
                         "chargeplane.db.slick-profile", "slick.jdbc.H2Profile$",
                         "pekko.projection.jdbc.dialect", "h2-dialect");
        return ConfigFactory.parseMap(derived).withFallback(config).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    public static ChargePlaneNode start(Config raw) {
        return start(raw, Clock.systemUTC());
    }

    /**
     * With the clock every entity, token and grace period of the node reads time from (tests move a clock of their
     * own instead of sleeping; Pekko's timers and the sockets' timeouts keep real time).
     */
    public static ChargePlaneNode start(Config raw, Clock clock) {
        Config config = resolve(raw);
        Database db = Database.open(config);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("chargeplane.cluster.name"), config);
        try {
            if (config.getBoolean("chargeplane.cluster.join-self")) {
                Cluster cluster = Cluster.get(system);
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }
            // health probes and Cluster Bootstrap's contact point: up before the cluster forms
            int managementPort = org.apache.pekko.management.javadsl.PekkoManagement.get(system).start()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS).port();
            if (config.getBoolean("chargeplane.cluster.bootstrap")) {
                org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap.get(system).start();
            }
            Control control = Control.start(system, db, clock);
            if (config.getBoolean("chargeplane.cluster.join-self")) {
                control.accounts().bootstrapAdmin().toCompletableFuture().get(60, TimeUnit.SECONDS);
                io.chargeplane.gateway.health.NodeHealth.get(org.apache.pekko.actor.typed.javadsl.Adapter
                        .toClassic(system)).started(control);
            } else {
                // a node joining others serves its probes and API while the cluster forms; the first administrator
                // (usually there already, made by the first node) is seen to once this node is Up
                org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
                        .registerOnMemberUp(() -> bootstrapAdmin(control, 1));
            }
            Edges edges = Edges.start(system, control, config.getString("chargeplane.http.host"),
                    config.getInt("chargeplane.http.port"));
            system.log().info("ChargePlane: REST API on http://{}:{}/api, OCPP-J on ws://{}:{}/ocpp/{identity}, database {}",
                    edges.httpAddress().getHostString(), edges.httpAddress().getPort(),
                    edges.ocpp().address().getHostString(), edges.ocpp().port(), db.productVersion());
            return new ChargePlaneNode(system, db, control, edges, managementPort);
        } catch (Exception e) {
            system.terminate();
            awaitTermination(system);
            db.close();
            throw new IllegalStateException("ChargePlane failed to start: " + e.getMessage(), e);
        }
    }

    /** Makes sure the first administrator exists (again until it could), then marks the node started. */
    private static void bootstrapAdmin(Control control, int attempt) {
        control.accounts().bootstrapAdmin().whenComplete((ok, failure) -> {
            if (failure == null) {
                io.chargeplane.gateway.health.NodeHealth.get(org.apache.pekko.actor.typed.javadsl.Adapter
                        .toClassic(control.system())).started(control);
            } else {
                // not ready until it is: the cluster may still be settling, or the database away
                control.system().log().warn("the first administrator could not be checked yet (attempt {}: {}); "
                        + "retrying in 5 s", attempt, failure.getMessage());
                control.system().scheduler().scheduleOnce(Duration.ofSeconds(5),
                        () -> bootstrapAdmin(control, attempt + 1), control.system().executionContext());
            }
        });
    }

    /** The REST API's port. */
    public int port() {
        return edges.httpAddress().getPort();
    }

    public InetSocketAddress address() {
        return edges.httpAddress();
    }

    /** Pekko Management's port: health probes, cluster membership, Cluster Bootstrap's contact point. */
    public int managementPort() {
        return managementPort;
    }

    /** The OCPP-J WebSocket server's port. */
    public int ocppPort() {
        return edges.ocpp().port();
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public Control control() {
        return control;
    }

    public Database database() {
        return db;
    }

    public Edges edges() {
        return edges;
    }

    /** Runs the coordinated shutdown (sockets closed with 1001, HTTP unbound) and closes the database. */
    @Override
    public void close() {
        system.terminate();
        awaitTermination(system);
        db.close();
    }

    private static void awaitTermination(ActorSystem<?> system) {
        try {
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            // the JVM goes on; nothing else to do
        }
    }
}
