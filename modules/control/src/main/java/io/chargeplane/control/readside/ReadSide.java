package io.chargeplane.control.readside;

import io.chargeplane.control.account.AccountEntity;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.idtag.IdTagEntity;
import io.chargeplane.control.station.StationEntity;
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
        ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "station-projection", 1,
                i -> ProjectionBehavior.create(stations(system, db)), ShardedDaemonProcessSettings.create(system),
                Optional.of(ProjectionBehavior.stopMessage()));
        ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "charger-projection", 1,
                i -> ProjectionBehavior.create(chargers(system, db)), ShardedDaemonProcessSettings.create(system),
                Optional.of(ProjectionBehavior.stopMessage()));
        ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "device-projection", 1,
                i -> ProjectionBehavior.create(devices(system, db)), ShardedDaemonProcessSettings.create(system),
                Optional.of(ProjectionBehavior.stopMessage()));
        ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "account-projection", 1,
                i -> ProjectionBehavior.create(accounts(system, db)), ShardedDaemonProcessSettings.create(system),
                Optional.of(ProjectionBehavior.stopMessage()));
        ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "id-tag-projection", 1,
                i -> ProjectionBehavior.create(idTags(system, db)), ShardedDaemonProcessSettings.create(system),
                Optional.of(ProjectionBehavior.stopMessage()));
    }

    private static Projection<EventEnvelope<IdTagEntity.Event>> idTags(ActorSystem<?> system, Database db) {
        SourceProvider<Offset, EventEnvelope<IdTagEntity.Event>> source =
                EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), IdTagProjection.TAG);
        return JdbcProjection.groupedWithin(ProjectionId.of("id-tags", IdTagProjection.TAG), source,
                () -> new DataSourceSession(db.dataSource()), () -> new Grouped<>(new IdTagProjection()), system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN);
    }

    private static Projection<EventEnvelope<AccountEntity.Event>> accounts(ActorSystem<?> system, Database db) {
        SourceProvider<Offset, EventEnvelope<AccountEntity.Event>> source =
                EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), AccountProjection.TAG);
        return JdbcProjection.groupedWithin(ProjectionId.of("accounts", AccountProjection.TAG), source,
                () -> new DataSourceSession(db.dataSource()), () -> new Grouped<>(new AccountProjection()), system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN);
    }

    private static Projection<EventEnvelope<DeviceEntity.Event>> devices(ActorSystem<?> system, Database db) {
        SourceProvider<Offset, EventEnvelope<DeviceEntity.Event>> source =
                EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), DeviceProjection.TAG);
        return JdbcProjection.groupedWithin(ProjectionId.of("devices", DeviceProjection.TAG), source,
                () -> new DataSourceSession(db.dataSource()), () -> new Grouped<>(new DeviceProjection()), system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN);
    }

    private static Projection<EventEnvelope<PileEvent>> chargers(ActorSystem<?> system, Database db) {
        SourceProvider<Offset, EventEnvelope<PileEvent>> source =
                EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), ChargerProjection.TAG);
        return JdbcProjection.groupedWithin(ProjectionId.of("chargers", ChargerProjection.TAG), source,
                () -> new DataSourceSession(db.dataSource()), () -> new Grouped<>(new ChargerProjection()), system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN);
    }

    private static Projection<EventEnvelope<StationEntity.Event>> stations(ActorSystem<?> system, Database db) {
        SourceProvider<Offset, EventEnvelope<StationEntity.Event>> source =
                EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), StationProjection.TAG);
        return JdbcProjection.groupedWithin(ProjectionId.of("stations", StationProjection.TAG), source,
                () -> new DataSourceSession(db.dataSource()), () -> new Grouped<>(new StationProjection()), system)
                .withGroup(GROUP_SIZE, GROUP_WITHIN);
    }
}
