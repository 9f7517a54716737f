package io.chargeplane.control;

import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.account.Accounts;
import io.chargeplane.control.blob.BlobStore;
import io.chargeplane.control.presence.PresenceWriter;
import io.chargeplane.control.readside.ReadQueries;
import io.chargeplane.control.readside.ReadSide;
import io.chargeplane.control.charger.ChargerNumberEntity;
import io.chargeplane.control.charger.registration.RegistrationSaga;
import io.chargeplane.control.charger.registration.RegistrationSteps;
import io.chargeplane.control.station.StationAssignments;
import io.chargeplane.control.station.StationEntity;
import io.chargeplane.control.account.AuthSettings;
import io.chargeplane.control.account.PasswordHasher;
import io.chargeplane.control.account.TokenStore;
import io.chargeplane.control.device.DeviceBindings;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.idtag.IdTagEntity;
import io.chargeplane.control.telemetry.TelemetryStore;
import io.chargeplane.control.telemetry.TelemetryWriter;
import io.chargeplane.control.transaction.TransactionIdAllocator;
import io.chargeplane.control.unbound.UnboundIdentities;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Starts the entities and the node-local services of the control plane on one node. */
public final class Control {
    private final ActorSystem<?> system;
    private final Database db;
    private final ControlSettings settings;
    private final Clock clock;
    private final TelemetryStore telemetry;
    private final ActorRef<UnboundIdentities.Command> unbound;
    private final Executor blocking;
    private final DeviceBindings deviceBindings;
    private final Accounts accounts;
    private final BlobStore blobs;
    private final io.chargeplane.control.firmware.FirmwareFiles firmware;
    private final io.chargeplane.control.blob.SignedLinks links;
    private final io.chargeplane.control.blob.PublicLinks publicLinks;
    private final io.chargeplane.control.diagnostics.DiagnosticsFiles diagnostics;
    private final RegistrationSteps registrationSteps;
    private final io.chargeplane.control.feed.EventFeed feed;
    private final io.chargeplane.control.tariff.TariffResolver tariffs;

    private Control(ActorSystem<?> system, Database db, ControlSettings settings, Clock clock, TelemetryStore telemetry,
                    ActorRef<UnboundIdentities.Command> unbound, Executor blocking, Accounts accounts, BlobStore blobs,
                    DeviceBindings deviceBindings, RegistrationSteps registrationSteps,
                    io.chargeplane.control.feed.EventFeed feed, io.chargeplane.control.blob.SignedLinks links,
                    io.chargeplane.control.blob.PublicLinks publicLinks,
                    io.chargeplane.control.diagnostics.DiagnosticsFiles diagnostics,
                    io.chargeplane.control.tariff.TariffResolver tariffs) {
        this.feed = feed;
        this.deviceBindings = deviceBindings;
        this.registrationSteps = registrationSteps;
        this.accounts = accounts;
        this.blobs = blobs;
        this.links = links;
        this.publicLinks = publicLinks;
        this.firmware = new io.chargeplane.control.firmware.FirmwareFiles(db, blobs, links);
        this.diagnostics = diagnostics;
        this.system = system;
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.telemetry = telemetry;
        this.unbound = unbound;
        this.blocking = blocking;
        this.tariffs = tariffs;
    }

    /** Which tariff version prices a charger at an instant (charger, station, network). */
    public io.chargeplane.control.tariff.TariffResolver tariffs() {
        return tariffs;
    }

    public static Control start(ActorSystem<?> system, Database db, Clock clock) {
        ControlSettings settings = ControlSettings.from(system.settings().config());
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("chargeplane.blocking-dispatcher"));
        TelemetryStore telemetry = new TelemetryStore(db);
        io.chargeplane.control.metrics.NodeMetrics metrics = io.chargeplane.control.metrics.NodeMetrics.get(system);
        TelemetryWriter writer = new TelemetryWriter(telemetry, blocking, settings.telemetryBatchRows(),
                settings.telemetryParallelism(), metrics::telemetryBatch);
        ActorRef<UnboundIdentities.Command> unbound = system.systemActorOf(
                UnboundIdentities.create(db, blocking, java.time.Duration.ofSeconds(1), 10_000,
                        settings.unboundTableMaxRows()), "unbound-identities", Props.empty());
        ActorRef<PresenceWriter.Command> presence = system.systemActorOf(
                PresenceWriter.create(db, blocking, java.time.Duration.ofSeconds(1),
                        org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().hostPort()),
                "presence-writer", Props.empty());
        io.chargeplane.control.tariff.TariffResolver tariffs =
                new io.chargeplane.control.tariff.TariffResolver(system, db, blocking, clock);
        ControlServices services = new ControlServices(settings, clock, new TransactionIdAllocator(db, blocking), writer,
                presence, new StationAssignments(system, java.time.Duration.ofSeconds(10)),
                system.settings().config().getBoolean("chargeplane.pricing.enabled") ? tariffs : null);
        PileEntity.init(system, services);
        DeviceBindings deviceBindings = new DeviceBindings(db, blocking);
        DeviceEntity.init(system, clock, settings.deviceIdlePassivation(), deviceBindings);
        IdTagEntity.init(system, clock);
        StationEntity.init(system);
        ChargerNumberEntity.init(system);
        RegistrationSteps registrationSteps = new RegistrationSteps(system, clock,
                system.settings().config().getDuration("chargeplane.control.orphan-claim-grace"));
        RegistrationSaga.init(system, registrationSteps, clock);
        BlobStore blobs = new BlobStore(java.nio.file.Path.of(system.settings().config().getString("chargeplane.blobs.dir")));
        io.chargeplane.control.blob.SignedLinks links = new io.chargeplane.control.blob.SignedLinks(db);
        io.chargeplane.control.blob.PublicLinks publicLinks = new io.chargeplane.control.blob.PublicLinks(
                system.settings().config().getString("chargeplane.public-base-url"), links);
        io.chargeplane.control.diagnostics.DiagnosticsFiles diagnostics =
                new io.chargeplane.control.diagnostics.DiagnosticsFiles(db, blobs, publicLinks, links);
        io.chargeplane.control.batch.CommandBatch.init(system, clock, (op, pileId, at, wait) ->
                diagnostics.forTarget(op, pileId, at, wait, blocking));
        io.chargeplane.control.charger.registration.InterruptedRegistrations.resume(system, db, blocking);
        io.chargeplane.control.tariff.TariffEntity.init(system, clock);
        if (system.settings().config().getBoolean("chargeplane.readside.enabled")) {
            ReadSide.start(system, db);
            io.chargeplane.control.tariff.TariffSchedule.start(system, db, blocking, clock);
        }
        Accounts accounts = new Accounts(system, new TokenStore(db), PasswordHasher.from(system.settings().config()),
                blocking, clock, AuthSettings.from(system.settings().config()));
        io.chargeplane.control.feed.EventFeed feed = io.chargeplane.control.feed.EventFeed.start(system, db, blocking, clock);
        return new Control(system, db, settings, clock, telemetry, unbound, blocking, accounts, blobs, deviceBindings,
                registrationSteps, feed, links, publicLinks, diagnostics, tariffs);
    }

    /** Lists, the review queue and the audit log, from the read side. */
    public ReadQueries readQueries() {
        return new ReadQueries(db);
    }

    /** Photos and other uploaded files. */
    public BlobStore blobs() {
        return blobs;
    }

    /** Signed, expiring tokens for the links chargers use without signing in. */
    public io.chargeplane.control.blob.SignedLinks links() {
        return links;
    }

    /** The links chargers use without signing in, under the public base URL. */
    public io.chargeplane.control.blob.PublicLinks publicLinks() {
        return publicLinks;
    }

    /** Diagnostics files chargers uploaded. */
    public io.chargeplane.control.diagnostics.DiagnosticsFiles diagnostics() {
        return diagnostics;
    }

    /** Firmware files and the signed links chargers fetch them by. */
    public io.chargeplane.control.firmware.FirmwareFiles firmware() {
        return firmware;
    }

    /** The live event feed of this node. */
    public io.chargeplane.control.feed.EventFeed feed() {
        return feed;
    }

    /** Operator accounts, login and tokens. */
    public Accounts accounts() {
        return accounts;
    }

    public ClusterSharding sharding() {
        return ClusterSharding.get(system);
    }

    public ActorSystem<?> system() {
        return system;
    }

    public Database db() {
        return db;
    }

    public ControlSettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public TelemetryStore telemetry() {
        return telemetry;
    }

    public ActorRef<UnboundIdentities.Command> unbound() {
        return unbound;
    }

    /** Devices' bindings as copied to the database, read when a charger connects. */
    public DeviceBindings deviceBindings() {
        return deviceBindings;
    }

    /** The steps of charger registrations (the station check is asked at the edge, before a saga begins). */
    public RegistrationSteps registrationSteps() {
        return registrationSteps;
    }

    public Executor blocking() {
        return blocking;
    }
}
