package io.chargeplane.control.charger;

import io.chargeplane.control.ControlServices;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.review.ReviewRules;
import io.chargeplane.control.review.SaveMode;
import io.chargeplane.control.station.StationEntity;
import io.chargeplane.control.telemetry.MeterSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A charger ("pile"), keyed by a stable pile id. Owns the charger's live state, its charging sessions and its
 * command queue. Persists only facts that change what must be remembered (see docs/architecture.md);
 * heartbeats, repeated statuses and meter samples never touch the journal.
 */
public final class PileEntity extends EventSourcedBehaviorWithEnforcedReplies<PileCommand, PileEvent, PileState> {
    public static final EntityTypeKey<PileCommand> ENTITY_KEY = EntityTypeKey.create(PileCommand.class, "Pile");
    private static final String PASSIVATE_TIMER = "passivate";
    static final java.util.Set<String> CHARGER_TAG = java.util.Set.of("charger");

    public static void init(ActorSystem<?> system, ControlServices services) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
                        ctx -> create(ctx.getEntityId(), ctx.getShard(), services))
                // a connected pile must never be passivated into looking offline: it passivates itself
                // once its charger has been gone for a while
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
                .withStopMessage(new PileCommand.Stop()));
    }

    public static Behavior<PileCommand> create(String pileId,
                                               ActorRef<ClusterSharding.ShardCommand> shard,
                                               ControlServices services) {
        return Behaviors.setup(ctx -> {
            ctx.setLoggerName(PileEntity.class); // named, not found by walking the stack at every start
            return Behaviors.withTimers(timers -> new PileEntity(pileId, ctx, timers, shard, services));
        });
    }

    private final String pileId;
    private final ActorContext<PileCommand> ctx;
    private final TimerScheduler<PileCommand> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final ControlServices services;

    // live facts, never persisted
    private ActorRef<SessionMessage> session;
    private String remoteAddress;
    private Instant lastSeen;
    private final LatestReadings latest;
    /** How often a charger's skewed clock is reported again while it stays skewed. */
    private static final java.time.Duration CLOCK_SKEW_REPEAT = java.time.Duration.ofHours(1);
    private final io.chargeplane.control.metrics.NodeMetrics metrics;
    private final Map<Integer, long[]> liveRegister = new HashMap<>(); // txId -> {Wh, epochMilli}
    private final Map<Integer, Instant> lastCheckpoint = new HashMap<>();
    private final Map<String, ActorRef<Result<CommandResult>>> waiters = new HashMap<>();
    private final Map<String, SessionMessage.SendCall> unsent = new java.util.LinkedHashMap<>();
    private String inFlight;
    private Instant lastPresenceReport;
    /** A connected charger's presence row is refreshed at most this often (its heartbeats are not journaled). */
    private static final Duration PRESENCE_REFRESH = Duration.ofMinutes(4);

    private PileEntity(String pileId, ActorContext<PileCommand> ctx, TimerScheduler<PileCommand> timers,
                       ActorRef<ClusterSharding.ShardCommand> shard, ControlServices services) {
        super(PersistenceId.of(ENTITY_KEY.name(), pileId),
                SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.pileId = pileId;
        this.ctx = ctx;
        this.timers = timers;
        this.shard = shard;
        this.services = services;
        this.latest = new LatestReadings(services.settings().clockSkewTolerance());
        this.metrics = io.chargeplane.control.metrics.NodeMetrics.get(ctx.getSystem());
    }

    @Override
    public PileState emptyState() {
        return PileState.empty();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SignalHandler<PileState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
            if (state.record().live() != null && !state.record().stationLinked()) {
                linkStations(state.record()); // a move that a crash interrupted half-way
            }
            if (!state.openCommands().isEmpty()) {
                ctx.getSelf().tell(new PileCommand.FailInterruptedCommands(List.copyOf(state.openCommands().keySet())));
            }
            schedulePassivation();
        }).build();
    }

    @Override
    public EventHandler<PileState, PileEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(PileState::apply);
    }

    @Override
    public CommandHandlerWithReply<PileCommand, PileEvent, PileState> commandHandler() {
        // one case that dispatches, not a case per command: the builder's cases (two lambdas and a case object each)
        // are built for every pile incarnation, ~1.9 KB per pile (docs/benchmarks-history.md, ninth round)
        return newCommandHandlerWithReplyBuilder().forAnyState().onAnyCommand(this::handle);
    }

    private ReplyEffect<PileEvent, PileState> handle(PileState s, PileCommand command) {
        if (command instanceof PileCommand.FromCharger c) { // the charger's traffic: by far the most frequent
            return onFromCharger(s, c);
        } else if (command instanceof PileCommand.Seen c) {
            return onSeen(s, c);
        } else if (command instanceof PileCommand.Connected c) {
            return onConnected(s, c);
        } else if (command instanceof PileCommand.Disconnected c) {
            return onDisconnected(s, c);
        } else if (command instanceof PileCommand.StartIdAllocated c) {
            return onStartIdAllocated(s, c);
        } else if (command instanceof PileCommand.SubmitCommand c) {
            return onSubmitCommand(s, c);
        } else if (command instanceof PileCommand.ChargerAnswered c) {
            return onChargerAnswered(s, c);
        } else if (command instanceof PileCommand.CommandTimedOut c) {
            return onCommandTimedOut(s, c);
        } else if (command instanceof PileCommand.FailInterruptedCommands c) {
            return onFailInterrupted(s, c);
        } else if (command instanceof PileCommand.PassivateIfDisconnected c) {
            return onPassivateIfDisconnected(s, c);
        } else if (command instanceof PileCommand.Get c) {
            return s.exists() ? Effect().reply(c.replyTo(), Result.ok(view(s))) : Effect().reply(c.replyTo(), notFound());
        } else if (command instanceof PileCommand.Wake c) {
            return Effect().reply(c.replyTo(), org.apache.pekko.Done.getInstance());
        } else if (command instanceof PileCommand.Stop) {
            return Effect().stop().thenNoReply();
        } else if (command instanceof PileCommand.SaveDetails c) {
            return onSaveDetails(s, c);
        } else if (command instanceof PileCommand.ApproveDetails c) {
            return onApproveDetails(s, c);
        } else if (command instanceof PileCommand.RejectDetails c) {
            return onRejectDetails(s, c);
        } else if (command instanceof PileCommand.GetRecord c) {
            return Effect().reply(c.replyTo(), s.exists()
                    ? Result.ok(ChargerView.of(s)) : Result.rejected(404, null, "no charger " + pileId));
        } else if (command instanceof PileCommand.StationsAnswered c) {
            return onStationsAnswered(s, c);
        } else if (command instanceof PileCommand.RetryStationLink) {
            if (s.record().live() != null && !s.record().stationLinked()) {
                linkStations(s.record());
            }
            return Effect().noReply();
        }
        throw new IllegalArgumentException("unknown pile command " + command.getClass().getName());
    }

    /** Charger registration events feed the read side (charger list, review queue, audit); traffic events do not. */
    @Override
    public java.util.Set<String> tagsFor(PileEvent event) {
        return event instanceof PileEvent.PileCreated || event instanceof PileEvent.DeviceAttached
                || event instanceof PileEvent.ChargerDraftSaved || event instanceof PileEvent.ChargerChangeSubmitted
                || event instanceof PileEvent.ChargerChangeApplied || event instanceof PileEvent.ChargerChangeRejected
                || event instanceof PileEvent.CommandAccepted
                ? CHARGER_TAG : java.util.Set.of();
    }

    // ---- the charger's registration (S5-S8): reviewed like stations ------------------------------------

    private ReplyEffect<PileEvent, PileState> onSaveDetails(PileState s, PileCommand.SaveDetails c) {
        ChargerRecord r = s.record();
        Optional<Result.Rejection> wrong = c.details().validate()
                .or(() -> c.create() && s.exists()
                        ? Optional.of(new Result.Rejection(409, "pileId", "pile " + pileId + " already exists"))
                        : Optional.empty())
                .or(() -> !c.create() && !s.exists()
                        ? Optional.of(new Result.Rejection(404, null, "no charger " + pileId)) : Optional.empty())
                .or(() -> c.expectedVersion() != null && c.expectedVersion() != r.version()
                        ? Optional.of(new Result.Rejection(412, null, "charger " + pileId + " is at version " + r.version()
                                + ", not " + c.expectedVersion() + ": someone else changed it; reload and try again"))
                        : Optional.empty())
                .or(() -> ReviewRules.canSave(r.pending(), c.mode(), r.everLive()))
                .or(() -> c.mode() == SaveMode.DIRECT ? refuseMoveDuringSession(s, c.details()) : Optional.empty());
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        List<PileEvent> events = new ArrayList<>();
        if (c.create()) {
            events.add(new PileEvent.PileCreated(pileId, c.details().chargerNumber(), c.at()));
        }
        events.add(switch (c.mode()) {
            case DRAFT -> new PileEvent.ChargerDraftSaved(c.details(), c.origin(), c.at());
            case REVIEW -> new PileEvent.ChargerChangeSubmitted(UUID.randomUUID().toString(), c.details(), c.origin(), c.at());
            case DIRECT -> new PileEvent.ChargerChangeApplied(null, r.live(), c.details(), c.origin(), c.at());
        });
        return Effect().persist(events).thenRun(ns -> afterRecordChange(s, ns))
                .thenReply(c.replyTo(), ns -> Result.ok(ChargerView.of(ns)));
    }

    private ReplyEffect<PileEvent, PileState> onApproveDetails(PileState s, PileCommand.ApproveDetails c) {
        ChargerRecord r = s.record();
        Optional<Result.Rejection> wrong = ReviewRules.canDecide(r.pending(), c.changeId(), c.origin().by())
                .or(() -> refuseMoveDuringSession(s, r.pending().proposed()));
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        return Effect().persist(new PileEvent.ChargerChangeApplied(c.changeId(), r.live(), r.pending().proposed(),
                        c.origin(), c.at()))
                .thenRun(ns -> afterRecordChange(s, ns)).thenReply(c.replyTo(), ns -> Result.ok(ChargerView.of(ns)));
    }

    private ReplyEffect<PileEvent, PileState> onRejectDetails(PileState s, PileCommand.RejectDetails c) {
        Optional<Result.Rejection> wrong = ReviewRules.canDecide(s.record().pending(), c.changeId(), c.origin().by());
        if (wrong.isPresent()) {
            return Effect().reply(c.replyTo(), new Result<>(null, wrong.get()));
        }
        return Effect().persist(new PileEvent.ChargerChangeRejected(c.changeId(), c.comment(), c.origin(), c.at()))
                .thenRun(ns -> afterRecordChange(s, ns)).thenReply(c.replyTo(), ns -> Result.ok(ChargerView.of(ns)));
    }

    /** Moving a charger or swapping its device while it charges someone is refused until the session ends. */
    private Optional<Result.Rejection> refuseMoveDuringSession(PileState s, ChargerDetails next) {
        if (s.sessions().isEmpty()) {
            return Optional.empty();
        }
        ChargerDetails live = s.record().live();
        if (live != null && !live.stationId().equals(next.stationId())) {
            return Optional.of(new Result.Rejection(409, "stationId", "a charging session is in progress on charger "
                    + pileId + ": it cannot move to another station until the session ends"));
        }
        if (s.identity() != null && !s.identity().equals(next.deviceIdentity())) {
            return Optional.of(new Result.Rejection(409, "deviceIdentity", "a charging session is in progress on charger "
                    + pileId + ": its device cannot be unbound or swapped until the session ends"));
        }
        return Optional.empty();
    }

    /** After a registration change: give back charger numbers no longer held, link the station(s). */
    private void afterRecordChange(PileState before, PileState after) {
        for (String number : heldNumbers(before)) {
            if (!heldNumbers(after).contains(number)) {
                ClusterSharding.get(ctx.getSystem()).entityRefFor(ChargerNumberEntity.ENTITY_KEY, number)
                        .tell(new ChargerNumberEntity.Release(pileId, now()));
            }
        }
        for (String identity : heldIdentities(before)) {
            if (!heldIdentities(after).contains(identity)) {
                ClusterSharding.get(ctx.getSystem()).entityRefFor(DeviceEntity.ENTITY_KEY, identity)
                        .tell(new DeviceEntity.Release(pileId, ctx.getSystem().ignoreRef()));
                if (session != null && identity.equals(before.identity())) {
                    session.tell(new SessionMessage.Replaced("device " + identity + " is no longer bound to this charger"));
                }
            }
        }
        if (after.record().live() != null && !after.record().stationLinked()) {
            linkStations(after.record());
        }
    }

    /** Device identities this pile is bound to or has reserved in a draft or a change waiting for review. */
    private static java.util.Set<String> heldIdentities(PileState s) {
        java.util.Set<String> n = new java.util.HashSet<>();
        if (s.identity() != null) {
            n.add(s.identity());
        }
        ChargerRecord r = s.record();
        for (ChargerDetails d : java.util.Arrays.asList(r.live(), r.draft(), r.pending() == null ? null : r.pending().proposed())) {
            if (d != null && d.deviceIdentity() != null) {
                n.add(d.deviceIdentity());
            }
        }
        return n;
    }

    private static java.util.Set<String> heldNumbers(PileState s) {
        java.util.Set<String> n = new java.util.HashSet<>();
        if (s.chargerNumber() != null) {
            n.add(s.chargerNumber());
        }
        ChargerRecord r = s.record();
        if (r.live() != null) {
            n.add(r.live().chargerNumber());
        }
        if (r.draft() != null) {
            n.add(r.draft().chargerNumber());
        }
        if (r.pending() != null) {
            n.add(r.pending().proposed().chargerNumber());
        }
        return n;
    }

    /** The station side of an assignment: the old station lets go, the new one takes the charger; resent until both confirm. */
    private void linkStations(ChargerRecord r) {
        String target = r.live().stationId();
        ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
        Duration timeout = Duration.ofSeconds(10);
        Instant at = now();
        java.util.concurrent.CompletionStage<Result<Integer>> unlinked = r.unlinkFrom() == null
                ? java.util.concurrent.CompletableFuture.completedFuture(Result.ok(0))
                : sharding.entityRefFor(StationEntity.ENTITY_KEY, r.unlinkFrom())
                        .ask(reply -> new StationEntity.UnassignCharger(pileId, at, reply), timeout);
        ctx.pipeToSelf(unlinked.thenCompose(u -> u.isOk()
                        ? services.stations().assign(target, pileId, at).thenApply(Result::isOk)
                        : java.util.concurrent.CompletableFuture.completedFuture(false)),
                (ok, err) -> new PileCommand.StationsAnswered(target, err == null && ok));
    }

    private ReplyEffect<PileEvent, PileState> onStationsAnswered(PileState s, PileCommand.StationsAnswered a) {
        ChargerRecord r = s.record();
        if (r.live() == null || r.stationLinked() || !r.live().stationId().equals(a.stationId())) {
            return Effect().noReply();
        }
        if (!a.ok()) {
            ctx.getLog().warn("pile {}: station {} did not confirm the assignment; retrying", pileId, a.stationId());
            timers.startSingleTimer("station-link", new PileCommand.RetryStationLink(), Duration.ofSeconds(30));
            return Effect().noReply();
        }
        return Effect().persist(new PileEvent.StationLinked(a.stationId(), now())).thenNoReply();
    }

    // ---- operator -------------------------------------------------------------------------------------

    // ---- socket ---------------------------------------------------------------------------------------

    private ReplyEffect<PileEvent, PileState> onConnected(PileState s, PileCommand.Connected c) {
        if (!s.exists() || !c.identity().equals(s.identity())) {
            return Effect().noReply();
        }
        adopt(c.session(), true);
        remoteAddress = c.remoteAddress();
        lastSeen = now();
        c.session().tell(new SessionMessage.PileAttached(ctx.getSelf()));
        return Effect().none().thenRun(this::sendNextCommand).thenNoReply();
    }

    private ReplyEffect<PileEvent, PileState> onDisconnected(PileState s, PileCommand.Disconnected c) {
        if (c.session().equals(session)) {
            ctx.unwatch(session);
            session = null;
            reportPresence(false);
            schedulePassivation();
        }
        return Effect().noReply();
    }

    private ReplyEffect<PileEvent, PileState> onSeen(PileState s, PileCommand.Seen c) {
        if (s.exists() && c.identity().equals(s.identity())) {
            adopt(c.session(), false);
            lastSeen = c.at();
            refreshPresence(c.at());
        }
        return Effect().noReply();
    }

    /** A new connection replaces the old one; a message from a socket after a restart of this entity re-registers it. */
    private void adopt(ActorRef<SessionMessage> newSession, boolean replace) {
        if (newSession.equals(session) || (!replace && session != null)) {
            return;
        }
        if (session != null) {
            ctx.unwatch(session);
            session.tell(new SessionMessage.Replaced("a newer connection of the same charger took over"));
        }
        boolean wasOffline = session == null;
        session = newSession;
        ctx.watchWith(newSession, new PileCommand.Disconnected(newSession));
        timers.cancel(PASSIVATE_TIMER);
        if (wasOffline) {
            reportPresence(true);
        }
    }

    /** Online / offline for the charger list, and "still here" at most every few minutes (no journal writes). */
    private void reportPresence(boolean online) {
        Instant at = now();
        lastPresenceReport = at;
        services.presence().tell(new io.chargeplane.control.presence.PresenceWriter.Report(pileId, online, at));
    }

    private void refreshPresence(Instant at) {
        if (session != null && (lastPresenceReport == null
                || Duration.between(lastPresenceReport, at).compareTo(PRESENCE_REFRESH) > 0)) {
            reportPresence(true);
        }
    }

    private void schedulePassivation() {
        if (session == null) {
            timers.startSingleTimer(PASSIVATE_TIMER, new PileCommand.PassivateIfDisconnected(),
                    services.settings().disconnectedPassivation());
        }
    }

    private ReplyEffect<PileEvent, PileState> onPassivateIfDisconnected(PileState s, PileCommand.PassivateIfDisconnected c) {
        if (session == null && inFlight == null && waiters.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        return Effect().noReply();
    }

    // ---- charger calls --------------------------------------------------------------------------------

    private ReplyEffect<PileEvent, PileState> onFromCharger(PileState s, PileCommand.FromCharger c) {
        if (!s.exists() || !c.identity().equals(s.identity())) {
            if (c.report() instanceof ChargerReport.BootReported) {
                // logged once per boot, not per refused call (a swapped-out device may keep calling)
                ctx.getLog().info("pile {}: boot of {} refused: {}", pileId, c.identity(),
                        !s.exists() ? "no such pile" : "the pile is bound to " + s.identity());
                // reserved by a binding that waits for review, or a device swapped out: not (or no longer) accepted
                return Effect().reply(c.replyTo(), answer(c, new ChargerReply.BootAnswer(
                        "Pending".equals(services.settings().unknownBootStatus())
                                ? ChargerReply.Registration.PENDING : ChargerReply.Registration.REJECTED,
                        c.receivedAt(), heartbeatSeconds())));
            }
            return Effect().reply(c.replyTo(), refusal(c, ChargerReply.Reason.NOT_BOUND,
                    "identity " + c.identity() + " is not bound to this charger"));
        }
        adopt(c.session(), false);
        lastSeen = c.receivedAt();
        refreshPresence(c.receivedAt());
        ChargerReport r = c.report();
        if (r instanceof ChargerReport.MeterReported mv) { // by far the most frequent
            return onMeterValues(s, c, mv);
        } else if (r instanceof ChargerReport.StatusReported status) {
            return onStatus(s, c, status);
        } else if (r instanceof ChargerReport.SessionStartReported start) {
            return onStart(s, c, start);
        } else if (r instanceof ChargerReport.SessionEndReported stop) {
            return onStop(s, c, stop);
        } else if (r instanceof ChargerReport.BootReported boot) {
            return onBoot(s, c, boot);
        } else if (r instanceof ChargerReport.FirmwareStatusReported fw) {
            return persistIfChanged(c, Objects.equals(fw.status(), s.firmwareStatus()) ? null
                    : new PileEvent.FirmwareStatusChanged(fw.status(), c.receivedAt()));
        } else if (r instanceof ChargerReport.DiagnosticsStatusReported d) {
            return persistIfChanged(c, Objects.equals(d.status(), s.diagnosticsStatus()) ? null
                    : new PileEvent.DiagnosticsStatusChanged(d.status(), c.receivedAt()));
        }
        return Effect().reply(c.replyTo(), refusal(c, ChargerReply.Reason.NOT_SUPPORTED,
                "not handled by the charger entity"));
    }

    private ReplyEffect<PileEvent, PileState> persistIfChanged(PileCommand.FromCharger c, PileEvent event) {
        ChargerReply.ToCall answer = answer(c, ChargerReply.ACKNOWLEDGED);
        if (event == null) {
            return Effect().reply(c.replyTo(), answer);
        }
        return Effect().persist(event).thenReply(c.replyTo(), ns -> answer);
    }

    private int heartbeatSeconds() {
        return (int) services.settings().heartbeatInterval().toSeconds();
    }

    private ReplyEffect<PileEvent, PileState> onBoot(PileState s, PileCommand.FromCharger c,
                                                     ChargerReport.BootReported boot) {
        List<PileEvent> events = new ArrayList<>();
        String serial = boot.serialNumber();
        PileState.BootInfo was = s.boot();
        if (was == null || !Objects.equals(was.vendor(), boot.vendor())
                || !Objects.equals(was.model(), boot.model()) || !Objects.equals(was.serialNumber(), serial)
                || !Objects.equals(was.firmwareVersion(), boot.firmwareVersion())) {
            events.add(new PileEvent.BootInfoChanged(boot.vendor(), boot.model(), serial,
                    boot.firmwareVersion(), c.receivedAt()));
            if (was != null && was.serialNumber() != null && !was.serialNumber().equals(serial)) {
                events.add(new PileEvent.AlertRaised("SERIAL_NUMBER_CHANGED",
                        "device reported serial " + serial + ", was " + was.serialNumber(), null, c.receivedAt()));
            }
        }
        for (ChargingSession open : s.sessions().values()) {
            events.addAll(closeByServer(open, "Reboot", "REBOOT", c.receivedAt()));
        }
        ChargerReply.ToCall answer = answer(c, new ChargerReply.BootAnswer(ChargerReply.Registration.ACCEPTED, now(),
                heartbeatSeconds()));
        if (events.isEmpty()) {
            return Effect().reply(c.replyTo(), answer);
        }
        return Effect().persist(events).thenRun(ns -> forgetEnded(s, ns)).thenReply(c.replyTo(), ns -> answer);
    }

    /** Ends an open session from the server side (reboot, superseded) with the last known reading; flags it. */
    private List<PileEvent> closeByServer(ChargingSession open, String reason, String endedBy, Instant at) {
        long last = lastKnownWh(open);
        return List.of(
                new PileEvent.SessionEnded(open.transactionId(), last, at, reason, open.energyTo(last), endedBy, at),
                new PileEvent.AlertRaised("SESSION_ENDED_BY_" + endedBy, "transaction " + open.transactionId()
                        + " was still open; closed at the last known reading " + last + " Wh", open.transactionId(), at));
    }

    private long lastKnownWh(ChargingSession open) {
        long[] live = liveRegister.get(open.transactionId());
        return live != null ? Math.max(live[0], open.lastKnownWh()) : open.lastKnownWh();
    }

    private void forgetEnded(PileState before, PileState after) {
        for (Integer tx : before.sessions().keySet()) {
            if (!after.sessions().containsKey(tx)) {
                liveRegister.remove(tx);
                lastCheckpoint.remove(tx);
            }
        }
    }

    private ReplyEffect<PileEvent, PileState> onStatus(PileState s, PileCommand.FromCharger c,
                                                       ChargerReport.StatusReported st) {
        PileState.Connector was = s.connectors().get(st.connectorId());
        ChargerReply.ToCall answer = answer(c, ChargerReply.ACKNOWLEDGED);
        if (was != null && was.status().equals(st.status()) && was.errorCode().equals(st.errorCode())
                && Objects.equals(was.info(), st.info()) && Objects.equals(was.vendorErrorCode(), st.vendorErrorCode())) {
            return Effect().reply(c.replyTo(), answer);
        }
        List<PileEvent> events = new ArrayList<>();
        events.add(new PileEvent.ConnectorStatusChanged(st.connectorId(), st.status(), st.errorCode(), st.info(),
                st.vendorErrorCode(), st.timestamp(), c.receivedAt()));
        clockAlert(s, events, st.timestamp(), c, null);
        return Effect().persist(events).thenReply(c.replyTo(), ns -> answer);
    }

    private ReplyEffect<PileEvent, PileState> onStart(PileState s, PileCommand.FromCharger c,
                                                      ChargerReport.SessionStartReported st) {
        ChargingSession same = s.sameStart(st.connectorId(), st.idTag(), st.meterStartWh(), st.startedAt());
        if (same != null) {
            return Effect().reply(c.replyTo(), startAnswer(c, same.transactionId()));
        }
        ctx.pipeToSelf(services.transactionIds().next(), (id, failure) ->
                new PileCommand.StartIdAllocated(c, id, failure == null ? null : String.valueOf(failure.getMessage())));
        return Effect().noReply();
    }

    private ReplyEffect<PileEvent, PileState> onStartIdAllocated(PileState s, PileCommand.StartIdAllocated a) {
        PileCommand.FromCharger c = a.call();
        if (a.failure() != null) {
            return Effect().reply(c.replyTo(), refusal(c, ChargerReply.Reason.INTERNAL, "cannot allocate a transaction id"));
        }
        ChargerReport.SessionStartReported st = (ChargerReport.SessionStartReported) c.report();
        ChargingSession same = s.sameStart(st.connectorId(), st.idTag(), st.meterStartWh(), st.startedAt());
        if (same != null) { // a retry overtook the allocation: the id just drawn stays unused
            return Effect().reply(c.replyTo(), startAnswer(c, same.transactionId()));
        }
        int txId = a.transactionId();
        List<PileEvent> events = new ArrayList<>();
        ChargingSession stale = s.openSessionOn(st.connectorId());
        if (stale != null) {
            events.addAll(closeByServer(stale, "Superseded", "SUPERSEDED", c.receivedAt()));
        }
        events.add(new PileEvent.SessionStarted(txId, st.connectorId(), st.idTag(),
                authorization(c).status().label(), st.meterStartWh(), st.startedAt(), c.receivedAt(),
                st.reservationId()));
        Long previous = s.lastRegisterWh().get(st.connectorId());
        if (st.meterStartWh() == 0 && previous != null && previous > 0) {
            events.add(new PileEvent.AlertRaised("START_READING_ZERO", "meterStart 0 after a register of "
                    + previous + " Wh: energy is counted from " + previous + " Wh unless the register was reset",
                    txId, c.receivedAt()));
        }
        violationAlerts(events, c, txId);
        clockAlert(s, events, st.startedAt(), c, txId);
        ChargerReply.ToCall answer = startAnswer(c, txId);
        return Effect().persist(events).thenRun(ns -> {
            forgetEnded(s, ns);
            lastCheckpoint.put(txId, c.receivedAt());
        }).thenReply(c.replyTo(), ns -> answer);
    }

    private ReplyEffect<PileEvent, PileState> onStop(PileState s, PileCommand.FromCharger c,
                                                     ChargerReport.SessionEndReported st) {
        int txId = st.transactionId();
        List<PileEvent> events = new ArrayList<>();
        String reason = st.reason() == null ? "Local" : st.reason();
        ChargingSession open = s.sessions().get(txId);
        ChargingSession ended = open == null ? s.endedSession(txId) : null;
        boolean storeData;
        if (open != null || (ended != null && ended.endedByServer())) {
            ChargingSession base = open != null ? open : ended;
            events.add(new PileEvent.SessionEnded(txId, st.meterStopWh(), st.stoppedAt(), reason,
                    base.energyTo(st.meterStopWh()), "CHARGER", c.receivedAt()));
            if (base.meterWentBackwards(st.meterStopWh())) {
                events.add(new PileEvent.AlertRaised("METER_ANOMALY", "meterStop " + st.meterStopWh()
                        + " Wh is below meterStart " + base.meterStart() + " Wh: the session is recorded with 0 Wh; "
                        + "check the meter (replaced, reset or faulty)", txId, c.receivedAt()));
            }
            if (ended != null) {
                events.add(new PileEvent.AlertRaised("SESSION_CORRECTED_BY_LATE_STOP", "transaction " + txId
                        + " had been closed by " + ended.endedBy() + "; the charger's StopTransaction replaced its figures",
                        txId, c.receivedAt()));
            }
            storeData = true;
        } else if (ended != null || s.unknownStopRecorded(txId)) {
            storeData = false; // the same StopTransaction again: stop once
        } else {
            events.add(new PileEvent.UnknownStopRecorded(txId, st.meterStopWh(), st.stoppedAt(), reason, st.idTag(),
                    c.receivedAt()));
            events.add(new PileEvent.AlertRaised("UNKNOWN_TRANSACTION_STOPPED", "StopTransaction for transaction "
                    + txId + " which this server never started; answered normally", txId, c.receivedAt()));
            storeData = true;
        }
        if (!events.isEmpty()) {
            violationAlerts(events, c, txId);
            clockAlert(s, events, st.stoppedAt(), c, txId);
        }
        ChargerReply.ToCall answer = answer(c, new ChargerReply.SessionEndAnswer(
                st.idTag() == null ? null : authorization(c)));
        int connector = open != null ? open.connectorId() : ended != null ? ended.connectorId() : 0;
        List<MeterSample> samples = storeData ? placed(st.readings(), connector, txId) : List.of();
        if (events.isEmpty()) {
            return Effect().none().thenRun(ns -> writeThenAnswer(samples, c, answer)).thenNoReply();
        }
        return Effect().persist(events).thenRun(ns -> {
            forgetEnded(s, ns);
            writeThenAnswer(samples, c, answer);
        }).thenNoReply();
    }

    /**
     * A session's readings belong to the connector the pile knows the session on (a StopTransaction names none);
     * the adapter placed them on the whole charger.
     */
    private static List<MeterSample> placed(List<MeterSample> readings, int connector, int txId) {
        if (readings.isEmpty() || readings.get(0).connectorId() == connector) {
            return readings;
        }
        List<MeterSample> out = new ArrayList<>(readings.size());
        for (MeterSample r : readings) {
            out.add(new MeterSample(r.pileId(), connector, txId, r.sampledAt(), r.receivedAt(), r.measurand(),
                    r.phase(), r.location(), r.unit(), r.context(), r.format(), r.value(), r.number()));
        }
        return out;
    }

    private ReplyEffect<PileEvent, PileState> onMeterValues(PileState s, PileCommand.FromCharger c,
                                                            ChargerReport.MeterReported mv) {
        List<MeterSample> samples = mv.readings();
        List<PileEvent> events = new ArrayList<>();
        Instant newest = null;
        for (MeterSample sample : samples) {
            latest.remember(sample);
            newest = newest == null || sample.sampledAt().isAfter(newest) ? sample.sampledAt() : newest;
            Long wh = MeterReadings.energyRegisterWh(sample);
            if (wh != null && mv.transactionId() != null && s.sessions().containsKey(mv.transactionId())) {
                long[] live = liveRegister.get(mv.transactionId());
                long orderAt = MeterReadings.orderingTime(sample, services.settings().clockSkewTolerance()).toEpochMilli();
                if (live == null) {
                    liveRegister.put(mv.transactionId(), new long[] {wh, orderAt});
                } else if (orderAt >= live[1]) {
                    live[0] = wh; // in place, like the latest readings: nothing new for a young collection to copy
                    live[1] = orderAt;
                }
            }
        }
        Integer tx = mv.transactionId();
        if (tx != null && liveRegister.containsKey(tx)) {
            Instant last = lastCheckpoint.getOrDefault(tx, Instant.EPOCH);
            if (!c.receivedAt().isBefore(last.plus(services.settings().checkpointInterval()))) {
                long[] live = liveRegister.get(tx);
                events.add(new PileEvent.SessionEnergyCheckpoint(tx, live[0], Instant.ofEpochMilli(live[1])));
                lastCheckpoint.put(tx, c.receivedAt());
            }
        }
        violationAlerts(events, c, tx);
        clockAlert(s, events, newest, c, tx);
        ChargerReply.ToCall answer = answer(c, ChargerReply.ACKNOWLEDGED);
        if (events.isEmpty()) {
            return Effect().none().thenRun(ns -> writeThenAnswer(samples, c, answer)).thenNoReply();
        }
        return Effect().persist(events).thenRun(ns -> writeThenAnswer(samples, c, answer)).thenNoReply();
    }

    /** Answers only once the samples are committed to the telemetry table. */
    private void writeThenAnswer(List<MeterSample> samples, PileCommand.FromCharger c, ChargerReply.ToCall answer) {
        ActorRef<ChargerReply.ToCall> replyTo = c.replyTo();
        if (samples.isEmpty()) {
            replyTo.tell(answer);
            return;
        }
        services.telemetry().write(samples, failure -> replyTo.tell(failure == null ? answer
                : refusal(c, ChargerReply.Reason.INTERNAL, "meter values could not be stored")));
    }

    private void violationAlerts(List<PileEvent> events, PileCommand.FromCharger c, Integer txId) {
        for (ChargerReport.Tolerated v : c.tolerated()) {
            events.add(new PileEvent.AlertRaised(v.kind(), v.detail(), txId, c.receivedAt()));
        }
    }

    /**
     * A charger whose clock is ahead is reported once an hour, not on every call that carries its time: a wrong clock
     * would otherwise write an alert to the journal with every MeterValues.
     */
    private void clockAlert(PileState s, List<PileEvent> events, Instant chargerTime, PileCommand.FromCharger c,
                            Integer txId) {
        if (chargerTime != null && chargerTime.isAfter(c.receivedAt().plus(services.settings().clockSkewTolerance()))
                && !s.alertedSince("CLOCK_SKEW", c.receivedAt().minus(CLOCK_SKEW_REPEAT))) {
            events.add(new PileEvent.AlertRaised("CLOCK_SKEW", "charger time " + chargerTime + " is ahead of server time "
                    + c.receivedAt() + "; ordering uses the time of receipt", txId, c.receivedAt()));
        }
    }

    // ---- command queue --------------------------------------------------------------------------------

    private ReplyEffect<PileEvent, PileState> onSubmitCommand(PileState s, PileCommand.SubmitCommand c) {
        if (!s.exists()) {
            return Effect().reply(c.replyTo(), notFound());
        }
        // the operation was checked at the edge (REST): a caller's bad input never reaches the pile
        String id = UUID.randomUUID().toString();
        ChargerOperation op = c.operation();
        return Effect().persist(new PileEvent.CommandAccepted(id, op.name(), OperationJson.parameters(op), now(),
                        c.origin()))
                .thenRun(ns -> {
                    metrics.command(op.name(), "accepted");
                    waiters.put(id, c.replyTo());
                    unsent.put(id, new SessionMessage.SendCall(id, op));
                    timers.startSingleTimer(id, new PileCommand.CommandTimedOut(id),
                            services.settings().commandTimeout());
                    sendNextCommand();
                })
                .thenNoReply();
    }

    /** One outstanding CALL per charger: the oldest accepted command goes first. */
    private void sendNextCommand() {
        if (inFlight != null || session == null || unsent.isEmpty()) {
            return;
        }
        SessionMessage.SendCall next = unsent.values().iterator().next();
        unsent.remove(next.commandId());
        inFlight = next.commandId();
        session.tell(next);
    }

    private ReplyEffect<PileEvent, PileState> onChargerAnswered(PileState s, PileCommand.ChargerAnswered a) {
        if (!s.openCommands().containsKey(a.commandId()) || !a.commandId().equals(inFlight)) {
            ctx.getLog().info("pile {}: answer to unknown command {} dropped", pileId, a.commandId());
            return Effect().noReply();
        }
        return a.failure() == null
                ? complete(s, a.commandId(), CommandResult.ANSWERED, a.responseJson(), null)
                : complete(s, a.commandId(), CommandResult.FAILED, a.responseJson(), a.failure());
    }

    private ReplyEffect<PileEvent, PileState> onCommandTimedOut(PileState s, PileCommand.CommandTimedOut t) {
        if (!s.openCommands().containsKey(t.commandId())) {
            return Effect().noReply();
        }
        long seconds = services.settings().commandTimeout().toSeconds();
        String reason = t.commandId().equals(inFlight)
                ? "timeout: the charger did not answer within " + seconds + " s"
                : "timeout: the charger was not connected to take the call within " + seconds + " s";
        return complete(s, t.commandId(), CommandResult.FAILED, null, reason);
    }

    private ReplyEffect<PileEvent, PileState> onFailInterrupted(PileState s, PileCommand.FailInterruptedCommands f) {
        List<PileEvent> events = new ArrayList<>();
        for (String id : f.commandIds()) {
            if (s.openCommands().containsKey(id)) {
                events.add(new PileEvent.CommandCompleted(id, CommandResult.FAILED, null,
                        "interrupted: the server restarted before the charger answered", now()));
            }
        }
        return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenNoReply();
    }

    private ReplyEffect<PileEvent, PileState> complete(PileState s, String id, String outcome, String response,
                                                       String reason) {
        CommandResult open = s.openCommands().get(id);
        return Effect().persist(new PileEvent.CommandCompleted(id, outcome, response, reason, now()))
                .thenRun(ns -> {
                    metrics.command(open == null ? "unknown" : open.action(), outcome.toLowerCase(java.util.Locale.ROOT));
                    timers.cancel(id);
                    unsent.remove(id);
                    if (id.equals(inFlight)) {
                        inFlight = null;
                    }
                    ActorRef<Result<CommandResult>> waiter = waiters.remove(id);
                    CommandResult result = ns.recentCommands().get(ns.recentCommands().size() - 1);
                    if (waiter != null) {
                        waiter.tell(Result.ok(result));
                    }
                    sendNextCommand();
                })
                .thenNoReply();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private Instant now() {
        return services.clock().instant();
    }

    private <T> Result<T> notFound() {
        return Result.rejected(404, null, "pile " + pileId + " does not exist");
    }

    private static Authorization authorization(PileCommand.FromCharger c) {
        return c.authorization() != null ? c.authorization() : Authorization.unknown();
    }

    private static ChargerReply.ToCall answer(PileCommand.FromCharger c, ChargerReply reply) {
        return new ChargerReply.ToCall(c.callId(), reply);
    }

    private static ChargerReply.ToCall startAnswer(PileCommand.FromCharger c, int transactionId) {
        return answer(c, new ChargerReply.SessionStartAnswer(transactionId, authorization(c)));
    }

    private static ChargerReply.ToCall refusal(PileCommand.FromCharger c, ChargerReply.Reason reason,
                                               String description) {
        return answer(c, new ChargerReply.Refusal(reason, description));
    }

    private PileView view(PileState s) {
        Map<Integer, List<PileView.LatestReading>> meter = latest.view();
        List<ChargingSession> active = new ArrayList<>();
        for (ChargingSession open : s.sessions().values()) {
            long[] live = liveRegister.get(open.transactionId());
            active.add(live == null ? open : open.withReading(live[0], Instant.ofEpochMilli(live[1])));
        }
        return new PileView(pileId, s.chargerNumber(), s.identity(), session != null, lastSeen, remoteAddress,
                s.boot(), s.connectors().values(), active, s.endedSessions(), meter, s.alerts(), s.unknownStops(),
                s.firmwareStatus(), s.diagnosticsStatus(), s.openCommands().values(), s.recentCommands());
    }
}
