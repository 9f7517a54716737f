package io.chargeplane.control.readside;

import io.chargeplane.control.db.Database;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Starts the projections of the journal into the read-side tables, each exactly once per cluster (a sharded daemon
 * process), exactly-once per event (the offset commits with the rows it produced), in groups of up to 500 events
 * per transaction.
 */
public final class ReadSide {
    /** Events per transaction at most, and how long a group waits to fill. */
    private static final int GROUP_SIZE = 500;
    private static final java.time.Duration GROUP_WITHIN = java.time.Duration.ofMillis(250);
    private ReadSide() {
    }

    public static void start(ActorSystem<?> system, Database db) {
        run(system, "station-projection", () -> projection(system, db, "stations", StationProjection.TAG, StationProjection::new));
        run(system, "charger-projection", () -> projection(system, db, "chargers", ChargerProjection.TAG, ChargerProjection::new));
        run(system, "device-projection", () -> projection(system, db, "devices", DeviceProjection.TAG, DeviceProjection::new));
        run(system, "account-projection", () -> projection(system, db, "accounts", AccountProjection.TAG, AccountProjection::new));
        run(system, "id-tag-projection", () -> projection(system, db, "id-tags", IdTagProjection.TAG, IdTagProjection::new));
        run(system, "batch-projection", () -> projection(system, db, "batches", BatchProjection.TAG, BatchProjection::new));
        run(system, "order-projection", () -> projection(system, db, "orders", OrderProjection.TAG, OrderProjection::new));
        run(system, "tariff-projection", () -> projection(system, db, "tariffs", TariffProjection.TAG, TariffProjection::new));
    }

    private static void run(ActorSystem<?> system, String name, java.util.function.Supplier<Projection<?>> projection) {
        ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, 1,
                i -> ProjectionBehavior.create(projection.get()), ShardedDaemonProcessSettings.create(system),
                Optional.of(ProjectionBehavior.stopMessage()));
    }

    /** The events tagged {@code tag} into the read side by {@code handler}, in groups, exactly once. */
    private static <E> Projection<EventEnvelope<E>> projection(
            ActorSystem<?> system, Database db, String name, String tag,
            java.util.function.Supplier<JdbcHandler<EventEnvelope<E>, DataSourceSession>> handler) {
        SourceProvider<Offset, EventEnvelope<E>> source =
                EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
        return JdbcProjection.groupedWithin(ProjectionId.of(name, tag), source,
                () -> new DataSourceSession(db.dataSource()), () -> new Grouped<>(handler.get()), system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN);
    }
}
