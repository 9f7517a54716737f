package io.chargeplane.control.charger;

import io.chargeplane.control.ControlServices;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.charger.rules.CommandQueue;
import io.chargeplane.control.charger.rules.CommandRules;
import io.chargeplane.control.charger.rules.LiveRegisters;
import io.chargeplane.control.charger.rules.RegistrationRules;
import io.chargeplane.control.charger.rules.SessionRules;
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
    /**
     * A session's end (which carries what its order needs from the start) and its bill feed the charging orders
     * (readside/OrderProjection): one tagged event per session, two with a tariff (docs/benchmarks.md, pricing).
     */
    public static final String ORDER_TAG = "order";
    private static final java.util.Set<String> ORDER_TAGS = java.util.Set.of(ORDER_TAG);

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
    private final LiveRegisters live;
    private final SessionRules rules;
    private final CommandQueue<ActorRef<Result<CommandResult>>> commands = new CommandQueue<>();
    private final io.chargeplane.control.metrics.NodeMetrics metrics;
    private Instant lastPresenceReport;
    /** A connected charger's presence row is refreshed at most this often (its heartbeats are not journaled). */
    private static final Duration PRESENCE_REFRESH = Duration.ofMinutes(4);
    /** A batch report unacknowledged this long is sent again, up to the attempts below (two minutes in all). */
    static final Duration BATCH_REPORT_TIMEOUT = Duration.ofSeconds(5);
    static final int BATCH_REPORT_ATTEMPTS = 12;

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
        this.live = new LiveRegisters(services.settings().clockSkewTolerance(), services.settings().checkpointInterval());
        this.rules = new SessionRules(services.settings().clockSkewTolerance());
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
                ctx.getSelf().tell(new PileCommand.ResumeCommands());
            }
            priceSessions(state); // open ones for their running cost, ended ones not yet priced (a crash came between)
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
        } else if (command instanceof PileCommand.SendQueued c) {
            return onSendQueued(s, c);
        } else if (command instanceof PileCommand.CommandExpired c) {
            return onCommandExpired(s, c);
        } else if (command instanceof PileCommand.ConfirmationDue c) {
            return onConfirmationDue(s, c);
        } else if (command instanceof PileCommand.ReplyDue c) {
            return onReplyDue(s, c);
        } else if (command instanceof PileCommand.OutcomesReported c) {
            return onOutcomesReported(s, c);
        } else if (command instanceof PileCommand.ResumeCommands) {
            return onResumeCommands(s);
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
                    ? Result.ok(ChargerView.of(s)) : Result.rejected(Result.Reason.NOT_FOUND, null, "no charger " + pileId));
        } else if (command instanceof PileCommand.StationsAnswered c) {
            return onStationsAnswered(s, c);
        } else if (command instanceof PileCommand.BatchReported c) {
            if (!c.ok() && c.attempt() < BATCH_REPORT_ATTEMPTS && s.command(c.commandId()) != null) {
                timers.startSingleTimer("batch-report:" + c.commandId(),
                        new PileCommand.ReportToBatch(c.commandId(), c.attempt() + 1), BATCH_REPORT_TIMEOUT);
            }
            return Effect().noReply();
        } else if (command instanceof PileCommand.ReportToBatch c) {
            reportToBatch(s, c.commandId(), c.attempt());
            return Effect().noReply();
        } else if (command instanceof PileCommand.ResolveTariff c) {
            resolveTariff(s, c.transactionId());
            return Effect().noReply();
        } else if (command instanceof PileCommand.TariffResolved c) {
            return onTariffResolved(s, c);
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
                ? CHARGER_TAG
                : event instanceof PileEvent.SessionEnded || event instanceof PileEvent.SessionPriced ? ORDER_TAGS
                : java.util.Set.of();
    }

    // ---- the charger's registration (S5-S8): reviewed like stations ------------------------------------

    private ReplyEffect<PileEvent, PileState> onSaveDetails(PileState s, PileCommand.SaveDetails c) {
        return registration(s, RegistrationRules.save(s, pileId, c, UUID.randomUUID().toString()), c.replyTo());
    }

    private ReplyEffect<PileEvent, PileState> onApproveDetails(PileState s, PileCommand.ApproveDetails c) {
        return registration(s, RegistrationRules.approve(s, pileId, c.changeId(), c.origin(), c.at()), c.replyTo());
    }

    private ReplyEffect<PileEvent, PileState> onRejectDetails(PileState s, PileCommand.RejectDetails c) {
        return registration(s, RegistrationRules.reject(s, c.changeId(), c.comment(), c.origin(), c.at()), c.replyTo());
    }

    private ReplyEffect<PileEvent, PileState> registration(PileState s, RegistrationRules.Decision d,
                                                           ActorRef<Result<ChargerView>> replyTo) {
        if (d.rejection() != null) {
            return Effect().reply(replyTo, new Result<>(null, d.rejection()));
        }
        return Effect().persist(d.events()).thenRun(ns -> afterRecordChange(s, ns))
                .thenReply(replyTo, ns -> Result.ok(ChargerView.of(ns)));
    }

    /** After a registration change: give back charger numbers no longer held, link the station(s). */
    private void afterRecordChange(PileState before, PileState after) {
        java.util.Set<String> numbersHeld = RegistrationRules.heldNumbers(after);
        for (String number : RegistrationRules.heldNumbers(before)) {
            if (!numbersHeld.contains(number)) {
                ClusterSharding.get(ctx.getSystem()).entityRefFor(ChargerNumberEntity.ENTITY_KEY, number)
                        .tell(new ChargerNumberEntity.Release(pileId, now()));
            }
        }
        java.util.Set<String> identitiesHeld = RegistrationRules.heldIdentities(after);
        for (String identity : RegistrationRules.heldIdentities(before)) {
            if (!identitiesHeld.contains(identity)) {
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
            reportPresence(false, true);
            schedulePassivation();
            String lost = commands.inFlight();
            if (lost != null) {
                return onCallLost(s, lost);
            }
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
            reportPresence(true, true);
        }
    }

    /** Online / offline for the charger list, and "still here" at most every few minutes (no journal writes). */
    private void reportPresence(boolean online, boolean change) {
        Instant at = now();
        lastPresenceReport = at;
        services.presence().tell(new io.chargeplane.control.presence.PresenceWriter.Report(pileId, online, change, at));
    }

    private void refreshPresence(Instant at) {
        if (session != null && (lastPresenceReport == null
                || Duration.between(lastPresenceReport, at).compareTo(PRESENCE_REFRESH) > 0)) {
            reportPresence(true, false);
        }
    }

    private void schedulePassivation() {
        if (session == null) {
            timers.startSingleTimer(PASSIVATE_TIMER, new PileCommand.PassivateIfDisconnected(),
                    services.settings().disconnectedPassivation());
        }
    }

    private ReplyEffect<PileEvent, PileState> onPassivateIfDisconnected(PileState s, PileCommand.PassivateIfDisconnected c) {
        // open commands keep a pile in memory: their timers (expiry, outcome) are its own
        if (session == null && commands.idle() && s.openCommands().isEmpty()) {
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
        }
        if (!s.openCommands().isEmpty()) {
            judgeOutcomes(s, r); // a start, a stop, a boot, a status may be what an answered command promised
        }
        if (r instanceof ChargerReport.StatusReported status) {
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
        SessionRules.Decision d = rules.boot(s, boot, live, c.receivedAt(), now(), heartbeatSeconds());
        return persistThenAnswer(s, c, d.events(), answer(c, d.reply()));
    }

    /** Persists the events (if any), forgets the live registers of sessions they ended, then answers. */
    private ReplyEffect<PileEvent, PileState> persistThenAnswer(PileState s, PileCommand.FromCharger c,
                                                                List<PileEvent> events, ChargerReply.ToCall answer) {
        if (events.isEmpty()) {
            return Effect().reply(c.replyTo(), answer);
        }
        return Effect().persist(billed(s, events)).thenRun(ns -> forgetEnded(s, ns)).thenReply(c.replyTo(),
                ns -> answer);
    }

    private void forgetEnded(PileState before, PileState after) {
        if (before.sessions() != after.sessions() || before.endedSessions() != after.endedSessions()) {
            priceSessions(after); // a session began or ended (a status or meter write leaves both as they were)
        }
        if (before.sessions().isEmpty()) {
            return;
        }
        for (Integer tx : before.sessions().keySet()) {
            if (!after.sessions().containsKey(tx)) {
                live.forget(tx);
            }
        }
    }

    private ReplyEffect<PileEvent, PileState> onStatus(PileState s, PileCommand.FromCharger c,
                                                       ChargerReport.StatusReported st) {
        return persistThenAnswer(s, c, rules.status(s, st, c.receivedAt()), answer(c, ChargerReply.ACKNOWLEDGED));
    }

    private ReplyEffect<PileEvent, PileState> onStart(PileState s, PileCommand.FromCharger c,
                                                      ChargerReport.SessionStartReported st) {
        ChargingSession same = rules.retried(s, st);
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
        ChargingSession same = rules.retried(s, st);
        if (same != null) { // a retry overtook the allocation: the id just drawn stays unused
            return Effect().reply(c.replyTo(), startAnswer(c, same.transactionId()));
        }
        int txId = a.transactionId();
        SessionRules.Decision d = rules.start(s, st, authorization(c), txId, c.tolerated(), live, c.receivedAt());
        ChargerReply.ToCall answer = answer(c, d.reply());
        return Effect().persist(billed(s, d.events())).thenRun(ns -> {
            forgetEnded(s, ns);
            live.started(txId, c.receivedAt());
        }).thenReply(c.replyTo(), ns -> answer);
    }

    private ReplyEffect<PileEvent, PileState> onStop(PileState s, PileCommand.FromCharger c,
                                                     ChargerReport.SessionEndReported st) {
        SessionRules.StopDecision d = rules.stop(s, st, authorization(c), c.tolerated(), c.receivedAt());
        ChargerReply.ToCall answer = answer(c, d.reply());
        List<MeterSample> samples = d.keepReadings() ? placed(st.readings(), d.connectorId()) : List.of();
        if (d.events().isEmpty()) {
            return Effect().none().thenRun(ns -> writeThenAnswer(samples, c, answer)).thenNoReply();
        }
        return Effect().persist(billed(s, d.events())).thenRun(ns -> {
            forgetEnded(s, ns);
            writeThenAnswer(samples, c, answer);
        }).thenNoReply();
    }

    /**
     * A session's readings belong to the connector the pile knows the session on (an end report may name none: the
     * adapter placed them on the whole charger).
     */
    private static List<MeterSample> placed(List<MeterSample> readings, int connector) {
        if (readings.isEmpty() || readings.get(0).connectorId() == connector) {
            return readings;
        }
        List<MeterSample> out = new ArrayList<>(readings.size());
        for (MeterSample r : readings) {
            out.add(new MeterSample(r.pileId(), connector, r.transactionId(), r.sampledAt(), r.receivedAt(),
                    r.measurand(), r.phase(), r.location(), r.unit(), r.context(), r.format(), r.value(), r.number()));
        }
        return out;
    }

    private ReplyEffect<PileEvent, PileState> onMeterValues(PileState s, PileCommand.FromCharger c,
                                                            ChargerReport.MeterReported mv) {
        List<MeterSample> samples = mv.readings();
        for (MeterSample sample : samples) {
            latest.remember(sample);
        }
        List<PileEvent> events = rules.meter(s, mv, c.tolerated(), live, c.receivedAt());
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

    // ---- commands -------------------------------------------------------------------------------------
    // A command's life (CommandResult's statuses): accepted (QUEUED, or SENT when the charger was there and free),
    // SENT (journaled before the call goes out, so it goes out at most once), ANSWERED (the charger's word; an
    // outcome may still be awaited), then final. The rules of each operation are CommandRules'; the order of the
    // calls is CommandQueue's.

    private ReplyEffect<PileEvent, PileState> onSubmitCommand(PileState s, PileCommand.SubmitCommand c) {
        if (!s.exists()) {
            return Effect().reply(c.replyTo(), notFound());
        }
        // the operation was checked at the edge (REST): a caller's bad input never reaches the pile
        ChargerOperation op = c.operation();
        if (c.batchId() != null) {
            CommandResult had = s.commandOfBatch(c.batchId());
            if (had != null) { // the batch asks again (after a crash, or to catch a lost report): nothing sent twice
                return Effect().reply(c.replyTo(), Result.ok(had));
            }
        }
        Duration wait = c.offlineWait() != null ? c.offlineWait() : CommandRules.defaultWait(op);
        if (session == null && wait.isZero()) {
            return Effect().reply(c.replyTo(), Result.rejected(Result.Reason.CONFLICT, "ifOffline", "charger " + pileId
                    + " is offline and the command was not to wait for it (ifOffline: fail)"));
        }
        String id = UUID.randomUUID().toString();
        Instant now = now();
        boolean sendNow = commands.free(session != null);
        List<PileEvent> events = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (CommandResult open : s.openCommands().values()) {
            if (CommandResult.QUEUED.equals(open.status()) && CommandRules.replaces(op, open.operation())) {
                replaced.add(open.commandId());
                events.add(new PileEvent.CommandCompleted(open.commandId(), CommandResult.FAILED, null,
                        "replaced by the newer " + op.name() + " command " + id + " before it was sent", now,
                        CommandResult.REPLACED, null, null));
            }
        }
        events.add(new PileEvent.CommandAccepted(id, op.name(), OperationJson.parameters(op), now, c.origin(), op,
                sendNow ? now : null, now.plus(wait), c.batchId()));
        return Effect().persist(events).thenRun(ns -> {
            metrics.command(op.name(), "accepted");
            for (String old : replaced) {
                ended(ns, old);
            }
            // a batch hears of every change (toBatch): it is answered at once; so is the operator of an offline
            // charger, which may be back in days
            boolean answerNow = session == null || c.batchId() != null;
            ActorRef<Result<CommandResult>> waiter = answerNow ? null : c.replyTo();
            if (sendNow) {
                commands.acceptSent(id, op, waiter);
                send(id, op);
            } else {
                commands.accept(id, op, waiter);
                timers.startSingleTimer("expire:" + id, new PileCommand.CommandExpired(id), wait);
            }
            if (answerNow) {
                c.replyTo().tell(Result.ok(ns.openCommands().get(id)));
            } else { // the operator hears soon after the command timeout where the command is
                timers.startSingleTimer("reply:" + id, new PileCommand.ReplyDue(id),
                        services.settings().commandTimeout().plusSeconds(1));
            }
        }).thenNoReply();
    }

    /** Hands the call to the session and starts the wait for its answer. */
    private void send(String id, ChargerOperation op) {
        timers.cancel("expire:" + id);
        timers.startSingleTimer(id, new PileCommand.CommandTimedOut(id), services.settings().commandTimeout());
        session.tell(new SessionMessage.SendCall(id, op));
    }

    /** The next queued command, if the charger is there and free: its sending is journaled first. */
    private void sendNextCommand() {
        CommandQueue.Send next = commands.next(session != null);
        if (next != null) {
            ctx.getSelf().tell(new PileCommand.SendQueued(next.commandId()));
        }
    }

    private ReplyEffect<PileEvent, PileState> onSendQueued(PileState s, PileCommand.SendQueued c) {
        CommandResult open = s.openCommands().get(c.commandId());
        if (open == null || !commands.isInFlight(c.commandId())) {
            return Effect().noReply();
        }
        if (session == null) { // the charger left in between: it waits for the next connection
            commands.putBack(c.commandId());
            return Effect().noReply();
        }
        return Effect().persist(new PileEvent.CommandSent(c.commandId(), now()))
                .thenRun(ns -> {
                    if (session != null && commands.isInFlight(c.commandId())) {
                        send(c.commandId(), open.operation());
                    }
                    toBatch(ns, c.commandId());
                }).thenNoReply();
    }

    private ReplyEffect<PileEvent, PileState> onChargerAnswered(PileState s, PileCommand.ChargerAnswered a) {
        CommandResult open = s.openCommands().get(a.commandId());
        if (open == null || !commands.isInFlight(a.commandId())) {
            ctx.getLog().info("pile {}: answer to unknown command {} dropped", pileId, a.commandId());
            return Effect().noReply();
        }
        String id = a.commandId();
        if (a.failure() != null) {
            return complete(s, id, CommandResult.FAILED, CommandResult.STATUS_FAILED, a.answer(), a.responseJson(),
                    a.failure(), null);
        }
        Instant now = now();
        Duration within = open.operation() == null ? null
                : CommandRules.awaitOutcome(open.operation(), a.answer(), now, services.settings().outcomeTimeout());
        if (within == null) {
            return complete(s, id, CommandResult.ANSWERED, CommandResult.STATUS_ANSWERED, a.answer(), a.responseJson(),
                    null, null);
        }
        return Effect().persist(new PileEvent.CommandAnswered(id, a.answer(), a.responseJson(), now))
                .thenRun(ns -> {
                    metrics.command(open.action(), "answered");
                    timers.cancel(id);
                    timers.startSingleTimer("confirm:" + id, new PileCommand.ConfirmationDue(id), within);
                    tell(commands.answered(id), ns.openCommands().get(id));
                    timers.cancel("reply:" + id);
                    toBatch(ns, id);
                    sendNextCommand();
                }).thenNoReply();
    }

    private ReplyEffect<PileEvent, PileState> onCommandTimedOut(PileState s, PileCommand.CommandTimedOut t) {
        CommandResult open = s.openCommands().get(t.commandId());
        if (open == null || !commands.isInFlight(t.commandId())) {
            return Effect().noReply();
        }
        return complete(s, t.commandId(), CommandResult.FAILED, CommandResult.TIMED_OUT, null, null,
                CommandQueue.timeoutReason(services.settings().commandTimeout().toSeconds()), null);
    }

    private ReplyEffect<PileEvent, PileState> onCommandExpired(PileState s, PileCommand.CommandExpired e) {
        CommandResult open = s.openCommands().get(e.commandId());
        if (open == null || !CommandResult.QUEUED.equals(open.status()) || commands.isInFlight(e.commandId())) {
            return Effect().noReply();
        }
        return complete(s, e.commandId(), CommandResult.FAILED, CommandResult.EXPIRED, null, null,
                "expired: the charger was not there to take it before " + open.expiresAt(), null);
    }

    private ReplyEffect<PileEvent, PileState> onConfirmationDue(PileState s, PileCommand.ConfirmationDue d) {
        CommandResult open = s.openCommands().get(d.commandId());
        if (open == null || !CommandResult.STATUS_ANSWERED.equals(open.status())) {
            return Effect().noReply();
        }
        Duration within = CommandRules.awaitOutcome(open.operation(), open.answer(), open.answeredAt(),
                services.settings().outcomeTimeout());
        return complete(s, d.commandId(), CommandResult.ANSWERED, CommandResult.NOT_CONFIRMED, null, null,
                CommandRules.notConfirmed(open.operation(), within), null);
    }

    private ReplyEffect<PileEvent, PileState> onReplyDue(PileState s, PileCommand.ReplyDue d) {
        CommandResult open = s.openCommands().get(d.commandId());
        ActorRef<Result<CommandResult>> waiter = commands.takeWaiter(d.commandId());
        if (open != null) {
            tell(waiter, open);
        }
        return Effect().noReply();
    }

    /** The verdicts a report from the charger gave on answered commands; journaled after the report's own events. */
    private void judgeOutcomes(PileState s, ChargerReport report) {
        java.util.Map<String, CommandRules.Verdict> verdicts = null;
        for (CommandResult open : s.openCommands().values()) {
            if (CommandResult.STATUS_ANSWERED.equals(open.status()) && open.operation() != null) {
                CommandRules.Verdict v = CommandRules.judge(open.operation(), report);
                if (v != null) {
                    if (verdicts == null) {
                        verdicts = new java.util.LinkedHashMap<>();
                    }
                    verdicts.put(open.commandId(), v);
                }
            }
        }
        if (verdicts != null) {
            ctx.getSelf().tell(new PileCommand.OutcomesReported(verdicts));
        }
    }

    private ReplyEffect<PileEvent, PileState> onOutcomesReported(PileState s, PileCommand.OutcomesReported o) {
        List<PileEvent> events = new ArrayList<>();
        Instant now = now();
        o.verdicts().forEach((id, v) -> {
            CommandResult open = s.openCommands().get(id);
            if (open != null && CommandResult.STATUS_ANSWERED.equals(open.status())) {
                events.add(new PileEvent.CommandCompleted(id, CommandResult.ANSWERED, null, v.confirmed() ? null
                        : v.detail(), now, v.confirmed() ? CommandResult.CONFIRMED : CommandResult.STATUS_FAILED, null,
                        v.detail()));
            }
        });
        return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenRun(ns -> {
            for (PileEvent e : events) {
                ended(ns, ((PileEvent.CommandCompleted) e).commandId());
            }
        }).thenNoReply();
    }

    /**
     * After a recovery (a restart of the node, or the pile back in memory): queued commands wait in order again; one
     * that was sent and never answered is sent again only if that is safe, else it ends UNKNOWN; an awaited outcome
     * gets its remaining time; what ran out meanwhile ends now. Commands journaled before operations were (no
     * operation) end as interrupted, as they always did.
     */
    private ReplyEffect<PileEvent, PileState> onResumeCommands(PileState s) {
        List<PileEvent> events = new ArrayList<>();
        Instant now = now();
        for (CommandResult open : s.openCommands().values()) {
            String id = open.commandId();
            String status = open.statusOrDerived();
            if (open.operation() == null) {
                events.add(new PileEvent.CommandCompleted(id, CommandResult.FAILED, null,
                        "interrupted: the server restarted before the charger answered", now, CommandResult.STATUS_FAILED,
                        null, null));
            } else if (CommandResult.SENT.equals(status)) {
                if (CommandRules.safeToRepeat(open.operation())) {
                    events.add(new PileEvent.CommandRequeued(id, "sent before a restart of the server and not "
                            + "answered; sent again (safe to repeat)", now));
                } else {
                    events.add(new PileEvent.CommandCompleted(id, CommandResult.FAILED, null, "unknown: the server "
                            + "restarted after the call was sent and before the charger answered; whether the charger "
                            + "acted on it is unknown, and " + open.action() + " is not sent twice", now,
                            CommandResult.UNKNOWN, null, null));
                }
            } else if (CommandResult.QUEUED.equals(status) && open.expiresAt() != null
                    && !open.expiresAt().isAfter(now)) {
                events.add(new PileEvent.CommandCompleted(id, CommandResult.FAILED, null,
                        "expired: the charger was not there to take it before " + open.expiresAt(), now,
                        CommandResult.EXPIRED, null, null));
            } else if (CommandResult.STATUS_ANSWERED.equals(status)) {
                Duration within = CommandRules.awaitOutcome(open.operation(), open.answer(), open.answeredAt(),
                        services.settings().outcomeTimeout());
                if (within == null || !open.answeredAt().plus(within).isAfter(now)) {
                    events.add(new PileEvent.CommandCompleted(id, CommandResult.ANSWERED, null,
                            CommandRules.notConfirmed(open.operation(), within == null ? Duration.ZERO : within), now,
                            CommandResult.NOT_CONFIRMED, null, null));
                }
            }
        }
        return Effect().persist(events).thenRun(ns -> {
            for (PileEvent e : events) {
                toBatch(ns, e instanceof PileEvent.CommandCompleted cc ? cc.commandId()
                        : ((PileEvent.CommandRequeued) e).commandId());
            }
            for (CommandResult open : ns.openCommands().values()) {
                String id = open.commandId();
                if (CommandResult.QUEUED.equals(open.status())) {
                    commands.restore(id, open.operation());
                    timers.startSingleTimer("expire:" + id, new PileCommand.CommandExpired(id), until(open.expiresAt()));
                } else if (CommandResult.STATUS_ANSWERED.equals(open.status())) {
                    Duration within = CommandRules.awaitOutcome(open.operation(), open.answer(), open.answeredAt(),
                            services.settings().outcomeTimeout());
                    timers.startSingleTimer("confirm:" + id, new PileCommand.ConfirmationDue(id),
                            until(open.answeredAt().plus(within)));
                }
            }
            sendNextCommand();
        }).thenNoReply();
    }

    /**
     * The charger's socket closed with a call on it: a call safe to repeat waits for the next connection, any
     * other ends UNKNOWN (the charger may have acted before it left).
     */
    private ReplyEffect<PileEvent, PileState> onCallLost(PileState s, String id) {
        CommandResult open = s.openCommands().get(id);
        if (open == null || open.operation() == null) {
            return Effect().noReply();
        }
        if (CommandRules.safeToRepeat(open.operation())) {
            return Effect().persist(new PileEvent.CommandRequeued(id, "the charger disconnected before it answered; "
                    + "sent again when it is back (safe to repeat)", now())).thenRun(ns -> {
                        timers.cancel(id);
                        commands.putBack(id);
                        toBatch(ns, id);
                        timers.startSingleTimer("expire:" + id, new PileCommand.CommandExpired(id),
                                until(open.expiresAt()));
                    }).thenNoReply();
        }
        return complete(s, id, CommandResult.FAILED, CommandResult.UNKNOWN, null, null, "unknown: the charger "
                + "disconnected after the call was sent and before it answered; " + open.action() + " is not sent twice",
                null);
    }

    private ReplyEffect<PileEvent, PileState> complete(PileState s, String id, String outcome, String status,
                                                       String answer, String response, String reason,
                                                       String confirmation) {
        CommandResult open = s.openCommands().get(id);
        return Effect().persist(new PileEvent.CommandCompleted(id, outcome, response, reason, now(), status, answer,
                        confirmation))
                .thenRun(ns -> {
                    metrics.command(open == null ? "unknown" : open.action(), status.toLowerCase(java.util.Locale.ROOT));
                    ended(ns, id);
                })
                .thenNoReply();
    }

    /** A command ended: its timers stop, whoever waits is told, the next one may go. */
    private void ended(PileState ns, String id) {
        timers.cancel(id);
        timers.cancel("expire:" + id);
        timers.cancel("confirm:" + id);
        timers.cancel("reply:" + id);
        tell(commands.complete(id), ns.command(id));
        toBatch(ns, id);
        sendNextCommand();
        if (session == null && ns.openCommands().isEmpty()) {
            schedulePassivation();
        }
    }

    /**
     * The batch a command belongs to hears where it is now, and acknowledges it; unacknowledged, the report is sent
     * again (the current state of the command) every {@link #BATCH_REPORT_TIMEOUT} up to
     * {@link #BATCH_REPORT_ATTEMPTS} times, which outlasts the downing of a dead node that held the batch. After
     * that, or if the pile passivates, the batch's own refresh catches up.
     */
    private void toBatch(PileState ns, String commandId) {
        reportToBatch(ns, commandId, 1);
    }

    private void reportToBatch(PileState s, String commandId, int attempt) {
        CommandResult r = s.command(commandId);
        if (r == null || r.batchId() == null) {
            return;
        }
        ctx.pipeToSelf(ClusterSharding.get(ctx.getSystem())
                        .entityRefFor(io.chargeplane.control.batch.CommandBatch.ENTITY_KEY, r.batchId())
                        .<org.apache.pekko.Done>ask(reply -> new io.chargeplane.control.batch.CommandBatch.TargetChanged(
                                pileId, r, reply), BATCH_REPORT_TIMEOUT),
                (done, err) -> new PileCommand.BatchReported(commandId, attempt, err == null));
    }

    /** From now until {@code at}; zero when it has passed. */
    private Duration until(Instant at) {
        Duration d = Duration.between(now(), at);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static void tell(ActorRef<Result<CommandResult>> waiter, CommandResult where) {
        if (waiter != null) {
            waiter.tell(Result.ok(where));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private Instant now() {
        return services.clock().instant();
    }

    private <T> Result<T> notFound() {
        return Result.rejected(Result.Reason.NOT_FOUND, null, "pile " + pileId + " does not exist");
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

    // ---- pricing (S13): each session with the tariff in force when it started ----------------------------

    /** The tariff of each session, looked up once (after the start was answered: never in a call's path). */
    private final Map<Integer, java.util.Optional<io.chargeplane.control.tariff.SessionTariff>> tariffOf =
            new java.util.HashMap<>();
    private final java.util.Set<Integer> resolving = new java.util.HashSet<>();

    /** Looks up the tariff of every open session and of every ended one not yet priced, unless known or asked. */
    private void priceSessions(PileState s) {
        if (services.tariffs() == null) {
            return;
        }
        for (ChargingSession open : s.sessions().values()) {
            if (!tariffOf.containsKey(open.transactionId())) {
                resolveTariff(s, open.transactionId());
            }
        }
        for (ChargingSession ended : s.endedSessions()) {
            if (ended.price() == null && ended.meterStop() != null) {
                java.util.Optional<io.chargeplane.control.tariff.SessionTariff> known = tariffOf.get(ended.transactionId());
                if (known == null) {
                    resolveTariff(s, ended.transactionId());
                } else if (known.isPresent()) {
                    ctx.getSelf().tell(new PileCommand.TariffResolved(ended.transactionId(), known.get(), null));
                }
            }
        }
        tariffOf.keySet().removeIf(tx -> !s.sessions().containsKey(tx) && s.endedSession(tx) == null);
    }

    private void resolveTariff(PileState s, int txId) {
        ChargingSession session = s.sessions().containsKey(txId) ? s.sessions().get(txId) : s.endedSession(txId);
        if (session == null || !resolving.add(txId)) {
            return;
        }
        String stationId = s.record().live() != null ? s.record().live().stationId() : null;
        ctx.pipeToSelf(services.tariffs().forSession(pileId, stationId, session.billedFrom()),
                (found, failure) -> new PileCommand.TariffResolved(txId, failure == null ? found.orElse(null) : null,
                        failure == null ? null : String.valueOf(failure)));
    }

    /** A session's tariff: kept for its running cost; an ended session is priced and the bill journaled. */
    private ReplyEffect<PileEvent, PileState> onTariffResolved(PileState s, PileCommand.TariffResolved c) {
        resolving.remove(c.transactionId());
        if (c.failure() != null) {
            ctx.getLog().warn("the tariff of transaction {} could not be looked up ({}); trying again in 30 s",
                    c.transactionId(), c.failure());
            timers.startSingleTimer("tariff:" + c.transactionId(), new PileCommand.ResolveTariff(c.transactionId()),
                    Duration.ofSeconds(30));
            return Effect().noReply();
        }
        tariffOf.put(c.transactionId(), java.util.Optional.ofNullable(c.tariff()));
        ChargingSession ended = s.endedSession(c.transactionId());
        if (c.tariff() == null || ended == null || ended.price() != null || ended.meterStop() == null) {
            return Effect().noReply(); // no tariff applied when it started: nothing to bill
        }
        SessionPrice price;
        try {
            price = io.chargeplane.control.charger.rules.SessionPricing.finalBill(ended, c.tariff(), maxPowerKw(s));
        } catch (RuntimeException e) {
            price = new SessionPrice(c.tariff().scope(), c.tariff().version(), c.tariff().timeZone(), null,
                    "could not be priced: " + e.getMessage());
        }
        return Effect().persist(new PileEvent.SessionPriced(c.transactionId(), price, ended.endedBy(),
                services.clock().instant())).thenNoReply();
    }

    /**
     * The events with each session end carrying its bill when the session's tariff is known by then (the usual
     * case: looked up at its start), so that an end and its bill are one journal write; otherwise the bill follows
     * as a {@link PileEvent.SessionPriced}.
     */
    private List<PileEvent> billed(PileState s, List<PileEvent> events) {
        if (services.tariffs() == null || tariffOf.isEmpty()) {
            return events;
        }
        List<PileEvent> out = null;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof PileEvent.SessionEnded e) {
                java.util.Optional<io.chargeplane.control.tariff.SessionTariff> t = tariffOf.get(e.transactionId());
                ChargingSession base = s.sessions().containsKey(e.transactionId()) ? s.sessions().get(e.transactionId())
                        : s.endedSession(e.transactionId());
                if (t == null || t.isEmpty() || base == null) {
                    continue;
                }
                try {
                    SessionPrice price = io.chargeplane.control.charger.rules.SessionPricing.finalBill(base.ended(
                            e.meterStop(), e.stoppedAt(), e.reason(), e.energyWh(), e.endedBy()), t.get(),
                            maxPowerKw(s));
                    if (out == null) {
                        out = new ArrayList<>(events);
                    }
                    out.set(i, e.withPrice(price));
                } catch (RuntimeException ex) {
                    // priced afterwards, with the reason noted
                }
            }
        }
        return out == null ? events : out;
    }

    private static Double maxPowerKw(PileState s) {
        return s.record().live() != null ? s.record().live().maxPowerKw() : null;
    }

    /** An open session with its running cost (when its tariff is known), as views show it. */
    private ChargingSession withRunningCost(PileState s, ChargingSession open) {
        java.util.Optional<io.chargeplane.control.tariff.SessionTariff> t = tariffOf.get(open.transactionId());
        if (t == null || t.isEmpty()) {
            return open;
        }
        try {
            return open.priced(io.chargeplane.control.charger.rules.SessionPricing.running(open, t.get(),
                    services.clock().instant(), maxPowerKw(s)));
        } catch (RuntimeException e) {
            return open;
        }
    }

    private PileView view(PileState s) {
        Map<Integer, List<PileView.LatestReading>> meter = latest.view();
        List<ChargingSession> active = new ArrayList<>();
        for (ChargingSession open : s.sessions().values()) {
            active.add(withRunningCost(s, live.withLive(open)));
        }
        return new PileView(pileId, s.chargerNumber(), s.identity(), session != null, lastSeen, remoteAddress,
                s.boot(), s.connectors().values(), active, s.endedSessions(), meter, s.alerts(), s.unknownStops(),
                s.firmwareStatus(), s.diagnosticsStatus(), s.openCommands().values(), s.recentCommands());
    }
}
