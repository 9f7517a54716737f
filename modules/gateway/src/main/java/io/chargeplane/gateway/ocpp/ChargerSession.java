package io.chargeplane.gateway.ocpp;

import io.chargeplane.control.Control;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.SessionMessage;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.idtag.IdTagEntity;
import io.chargeplane.control.unbound.UnboundIdentities;
import io.chargeplane.ocpp.ErrorCode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.FrameCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One per charger WebSocket, on the node that holds the socket. Decodes OCPP-J frames, has its {@link ProtocolAdapter}
 * read them into the pile's language, answers what needs no state (Heartbeat, DataTransfer, Authorize), and forwards
 * reports to the charger's pile, one call at a time so that the charger's order is kept; the pile's replies and
 * operations go back out through the adapter. Holds no business state and knows no OCPP version.
 */
public final class ChargerSession extends AbstractBehavior<SessionMessage> {

    /** One whole text message from the charger. */
    record FrameIn(String text) implements SessionMessage {
    }

    /** A text message above max-frame-size: its first bytes, enough for its type and message id, and its size. */
    record OversizedIn(String head, int bytes) implements SessionMessage {
    }

    /** Nothing more can be read from the socket: close it once the frames read before are answered. */
    record CloseWhenAnswered(int code, String reason) implements SessionMessage {
    }

    /** The socket is closed. */
    record StreamDone() implements SessionMessage {
    }

    /** Server shutdown: close with 1001 so that the charger reconnects elsewhere. */
    record GoingAway() implements SessionMessage {
    }

    private record BindingFound(DeviceEntity.Binding binding) implements SessionMessage {
    }

    private record Answered(String frame) implements SessionMessage {
    }

    private record PileAnswered(ChargerReply.ToCall answer) implements SessionMessage {
    }

    /** The call watch's timer: see {@link #watchCall}. */
    private enum CallWatch implements SessionMessage {
        FIRED
    }

    private record PileGone(ActorRef<PileCommand> pile) implements SessionMessage {
    }

    /** The id tag of {@code report} (null: of an Authorize) was looked up. */
    private record Authorized(String callId, ProtocolAdapter.Report report, Authorization authorization)
            implements SessionMessage {
    }

    private record Reattach() implements SessionMessage {
    }

    private final String identity;
    private final String remoteAddress;
    private final Control control;
    private final OcppSettings settings;
    private final ChargerSocket socket;
    private final ProtocolAdapter adapter;
    /** Frames waiting their turn: the text of each, or an {@link OversizedIn}. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final ArrayDeque<Long> queuedAt = new ArrayDeque<>();
    private final Map<String, String> callsToCharger = new HashMap<>();
    private boolean readingPaused;
    private DeviceEntity.Binding binding;
    private EntityRef<PileCommand> pile;
    /** The pile's actor itself once it attached this socket: calls skip the shard region while it lives. */
    private ActorRef<PileCommand> pileDirect;
    private final ActorRef<ChargerReply.ToCall> answers;
    private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<SessionMessage> timers;
    private String inFlight;
    /** The report of the call in flight: its answer is put in its terms. */
    private ProtocolAdapter.Report inFlightReport;
    /** When the call in flight went to the pile (System.nanoTime), and whether the call watch's timer is running. */
    private long inFlightSince;
    private boolean watching;
    private boolean busy;
    private int unreadable;
    private boolean closing;
    private CloseWhenAnswered closeWhenAnswered;
    private final CallDeadline deadline;
    private final ShedLog shedLog;
    private final io.chargeplane.control.metrics.NodeMetrics metrics;
    /**
     * The charger's call being handled, for the metrics: its action (a known one, else "unknown": never a name the
     * charger made up, which would grow the metric's tags without bound), when it was read, and an outcome that
     * overrides what the answer's frame type says (shed, timeout). One at a time: calls are handled in turn.
     */
    private String callAction;
    private long callReadAt;
    private String callOutcome;

    public static Behavior<SessionMessage> create(String identity, String remoteAddress, Control control,
                                                  OcppSettings settings, ChargerSocket socket,
                                                  DeviceEntity.Binding binding, ProtocolAdapter adapter,
                                                  CallDeadline deadline, ShedLog shedLog) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.setLoggerName(ChargerSession.class); // named, not found by walking the stack at every connect
            timers.startTimerWithFixedDelay(new Reattach(), settings.reattachInterval());
            ctx.getSelf().tell(new BindingFound(binding)); // read by the handshake, before the upgrade
            return new ChargerSession(ctx, timers, identity, remoteAddress, control, settings, socket, adapter,
                    deadline, shedLog);
        }));
    }

    private ChargerSession(ActorContext<SessionMessage> ctx,
                           org.apache.pekko.actor.typed.javadsl.TimerScheduler<SessionMessage> timers, String identity,
                           String remoteAddress, Control control, OcppSettings settings, ChargerSocket socket,
                           ProtocolAdapter adapter, CallDeadline deadline, ShedLog shedLog) {
        super(ctx);
        this.adapter = adapter;
        this.deadline = deadline;
        this.shedLog = shedLog;
        this.metrics = io.chargeplane.control.metrics.NodeMetrics.get(ctx.getSystem());
        this.timers = timers;
        this.answers = ctx.messageAdapter(ChargerReply.ToCall.class, PileAnswered::new);
        this.identity = identity;
        this.remoteAddress = remoteAddress;
        this.control = control;
        this.settings = settings;
        this.socket = socket;
    }

    @Override
    public Receive<SessionMessage> createReceive() {
        // one case that dispatches, not a case per message type: the builder's cases (a case object and lambdas
        // each) are built for every session, i.e. every connected charger (docs/benchmarks-history.md, ninth round)
        return newReceiveBuilder().onAnyMessage(this::receive).build();
    }

    private Behavior<SessionMessage> receive(SessionMessage message) {
        if (message instanceof FrameIn m) { // the charger's frames: by far the most frequent
            return onFrame(m.text());
        } else if (message instanceof OversizedIn m) {
            return onFrame(m);
        } else if (message instanceof CloseWhenAnswered m) {
            closeWhenAnswered = m;
            return processNext();
        } else if (message instanceof PileAnswered m) {
            if (!m.answer().callId().equals(inFlight)) {
                return this; // the answer to a call that already timed out
            }
            inFlight = null; // the call watch's timer runs on; it re-arms only while a call is in flight
            send(adapter.answer(m.answer().callId(), inFlightReport, m.answer().reply()));
            inFlightReport = null;
            busy = false;
            return processNext();
        } else if (message instanceof Answered m) {
            send(m.frame());
            busy = false;
            return processNext();
        } else if (message instanceof Authorized m) {
            return forward(m.callId(), m.report(), m.authorization());
        } else if (message instanceof BindingFound m) {
            return onBinding(m);
        } else if (message == CallWatch.FIRED) {
            return onCallWatch();
        } else if (message instanceof SessionMessage.PileAttached m) {
            if (pileDirect != null) {
                getContext().unwatch(pileDirect);
            }
            pileDirect = m.pile();
            getContext().watchWith(pileDirect, new PileGone(pileDirect));
            return this;
        } else if (message instanceof PileGone m) {
            if (m.pile().equals(pileDirect)) {
                pileDirect = null; // back to the shard region, which finds the pile wherever it is now
            }
            return this;
        } else if (message instanceof SessionMessage.SendCall m) {
            return onSendCall(m);
        } else if (message instanceof SessionMessage.Replaced m) {
            return close(1000, m.reason());
        } else if (message instanceof GoingAway) {
            return close(1001, "server shutting down");
        } else if (message instanceof Reattach) {
            if (pile != null) {
                pile.tell(new PileCommand.Seen(identity, getContext().getSelf(), now()));
            }
            return this;
        } else if (message instanceof StreamDone) {
            return stop();
        }
        return Behaviors.unhandled();
    }

    private Behavior<SessionMessage> close(int code, String reason) {
        closing = true;
        socket.close(code, reason);
        return this;
    }

    private Behavior<SessionMessage> stop() {
        if (pile != null) {
            pile.tell(new PileCommand.Disconnected(getContext().getSelf()));
        }
        return Behaviors.stopped();
    }

    private Behavior<SessionMessage> onBinding(BindingFound m) {
        binding = m.binding();
        if (binding.bound()) {
            pile = control.sharding().entityRefFor(PileEntity.ENTITY_KEY, binding.pileId());
            pile.tell(new PileCommand.Connected(identity, getContext().getSelf(), remoteAddress));
        }
        return processNext();
    }

    /**
     * Frames arrive without a per-frame acknowledgement. Once pause-reading-at frames wait here the socket stops
     * being read, so a busy node pushes back into TCP instead of queueing; frames already read past that point
     * still count, and a charger with more than max-queued-frames waiting is flooding and is disconnected.
     */
    private Behavior<SessionMessage> onFrame(Object m) {
        if (queue.size() >= settings.maxQueuedFrames()) {
            getContext().getLog().warn("{}: more than {} frames waiting, disconnecting", identity, settings.maxQueuedFrames());
            return close(1008, "too many frames without waiting for answers");
        }
        queue.add(m);
        queuedAt.add(System.nanoTime());
        if (queue.size() >= settings.pauseReadingAt() && !readingPaused) {
            readingPaused = true; // further frames wait in TCP until this queue has drained
            socket.pauseReading();
        }
        return processNext();
    }

    /** Handles queued frames until one needs an entity's answer. */
    private Behavior<SessionMessage> processNext() {
        while (!busy && binding != null && !queue.isEmpty() && !closing) {
            Object next = queue.poll();
            long queued = queuedAt.poll();
            long now = System.nanoTime();
            callAction = null;
            callReadAt = queued;
            callOutcome = null;
            if (next instanceof OversizedIn big) {
                callAction = "oversized";
                refuseOversized(big);
            } else if (deadline.tooLate(queued, now)) {
                shed((String) next, now - queued);
            } else {
                handle((String) next);
            }
        }
        if (readingPaused && queue.isEmpty()) {
            readingPaused = false;
            socket.resumeReading();
        }
        if (closeWhenAnswered != null && !busy && queue.isEmpty() && !closing) {
            return close(closeWhenAnswered.code(), closeWhenAnswered.reason());
        }
        return this;
    }

    /**
     * Overload: the call waited too long ({@link CallDeadline}: its charger has likely given up, or the node is
     * behind and catches up by serving fresh calls); answered now, not processed.
     */
    private void shed(String text, long waitedNanos) {
        FrameCodec.Decoded decoded = FrameCodec.decode(text);
        if (decoded instanceof FrameCodec.Ok ok && ok.frame() instanceof Frame.Call call) {
            shedLog.shed(identity, waitedNanos); // counted for the node, logged at most every few seconds
            callAction = adapter.knownAction(call.action());
            callOutcome = "shed";
            send(FrameCodec.callError(call.messageId(), ErrorCode.InternalError,
                    "server overloaded: the call waited too long; retry later"));
        } else {
            handle(text); // answers to our own calls and malformed frames cost nothing to handle
        }
    }

    /** {@code [2,"id"} or {@code [3,"id"} at the start of a message: its type and message id. */
    private static final java.util.regex.Pattern HEAD =
            java.util.regex.Pattern.compile("^\\s*\\[\\s*([234])\\s*,\\s*\"([^\"\\\\]{1,36})\"");

    /**
     * A message too large to handle: a CALL is answered with a CALLERROR, an answer to one of the server's calls
     * ends that call as the charger's error; the session goes on.
     */
    private void refuseOversized(OversizedIn big) {
        java.util.regex.Matcher m = HEAD.matcher(big.head());
        String why = "message of " + big.bytes() + " bytes exceeds the " + settings.maxFrameBytes()
                + " bytes this server handles";
        if (!m.find()) {
            unreadable++;
            getContext().getLog().warn("{}: unreadable frame #{} ({}) dropped", identity, unreadable, why);
            if (unreadable >= settings.maxUnreadableFrames()) {
                close(1002, "too many unreadable frames");
            }
            return;
        }
        getContext().getLog().warn("{}: {} refused ({})", identity, m.group(2), why);
        if (m.group(1).equals("2")) {
            send(FrameCodec.callError(m.group(2), ErrorCode.FormationViolation, why));
        } else if (callsToCharger.remove(m.group(2)) != null && pile != null) {
            toPile(new PileCommand.ChargerAnswered(m.group(2), null, null,
                    "charger answered CALLERROR " + ErrorCode.FormationViolation.name() + ": " + why, now()));
        }
    }

    private void handle(String text) {
        FrameCodec.Decoded decoded = FrameCodec.decode(text);
        if (decoded instanceof FrameCodec.Malformed bad) {
            if (!bad.idReadable()) {
                unreadable++;
                getContext().getLog().warn("{}: unreadable frame #{} ({}) dropped", identity, unreadable, bad.description());
                if (unreadable >= settings.maxUnreadableFrames()) {
                    close(1002, "too many unreadable frames");
                }
            } else if (bad.answerable()) {
                callAction = "malformed";
                send(FrameCodec.callError(bad.messageId(), ErrorCode.FormationViolation, bad.description()));
            } else {
                getContext().getLog().info("{}: malformed answer {} dropped: {}", identity, bad.messageId(), bad.description());
            }
            return;
        }
        Frame frame = ((FrameCodec.Ok) decoded).frame();
        if (frame instanceof Frame.Call call) {
            onCall(call);
        } else {
            onAnswer(frame);
        }
    }

    private void onAnswer(Frame frame) {
        String action = callsToCharger.remove(frame.messageId());
        if (action == null || pile == null) {
            getContext().getLog().info("{}: answer to unknown call {} dropped", identity, frame.messageId());
            return;
        }
        if (frame instanceof Frame.CallResult r) {
            String invalid = adapter.invalidAnswer(action, r.payload());
            toPile(new PileCommand.ChargerAnswered(r.messageId(), adapter.answerWord(action, r.payload()),
                    r.payload().toString(),
                    invalid == null ? null : "invalid answer from charger: " + invalid, now()));
        } else {
            Frame.CallError e = (Frame.CallError) frame;
            toPile(new PileCommand.ChargerAnswered(e.messageId(), "CALLERROR " + e.code().name(), null,
                    "charger answered CALLERROR " + e.code().name() + ": " + e.description(), now()));
        }
    }

    private void onCall(Frame.Call call) {
        callAction = adapter.knownAction(call.action());
        ProtocolAdapter.Inbound in = adapter.read(call, binding.pileId(), now());
        if (in instanceof ProtocolAdapter.Refused refused) {
            send(refused.frame());
            return;
        }
        if (!binding.bound()) {
            onCallFromStranger(call, in);
            return;
        }
        if (in instanceof ProtocolAdapter.Report report) {
            if (report.report() instanceof ChargerReport.BootReported boot) {
                String serial = boot.serialNumber();
                if (serial != null && !serial.equals(binding.serialNumber())) { // the device is not woken for nothing
                    control.sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity)
                            .tell(new DeviceEntity.RecordSerial(serial));
                    binding = new DeviceEntity.Binding(identity, binding.pileId(), serial, binding.secretDigest(),
                            binding.boundAt());
                }
            }
            if (report.authorizeIdTag() != null) {
                authorizeThen(call.messageId(), report, report.authorizeIdTag());
            } else {
                forward(call.messageId(), report, null);
            }
        } else if (in instanceof ProtocolAdapter.Heartbeat) {
            toPile(new PileCommand.Seen(identity, getContext().getSelf(), now()));
            send(adapter.heartbeatAnswer(call.messageId(), now()));
        } else if (in instanceof ProtocolAdapter.DataTransfer dt) {
            send(adapter.dataTransferAnswer(call.messageId(),
                    control.settings().dataTransferVendors().contains(dt.vendorId())));
        } else if (in instanceof ProtocolAdapter.Authorize a) {
            authorizeThen(call.messageId(), null, a.idTag());
        }
    }

    /** An identity without a binding: a boot answered Rejected (or Pending), anything else SecurityError. */
    private void onCallFromStranger(Frame.Call call, ProtocolAdapter.Inbound in) {
        if (in instanceof ProtocolAdapter.Report report && report.report() instanceof ChargerReport.BootReported boot) {
            control.unbound().tell(new UnboundIdentities.Sighting(identity, now(), remoteAddress,
                    boot.vendor(), boot.model(), boot.serialNumber()));
            ChargerReply.Registration status = "Pending".equals(control.settings().unknownBootStatus())
                    ? ChargerReply.Registration.PENDING : ChargerReply.Registration.REJECTED;
            getContext().getLog().info("{}: boot of an identity bound to no charger, answered {}", identity, status);
            send(adapter.answer(call.messageId(), report, new ChargerReply.BootAnswer(status, now(),
                    (int) control.settings().heartbeatInterval().toSeconds())));
        } else {
            control.unbound().tell(new UnboundIdentities.Sighting(identity, now(), remoteAddress, null, null, null));
            send(FrameCodec.callError(call.messageId(), ErrorCode.SecurityError,
                    "identity " + identity + " is not bound to a charger"));
        }
    }

    /** Looks up {@code idTag}, then answers the Authorize ({@code report} null) or forwards the report. */
    private void authorizeThen(String callId, ProtocolAdapter.Report report, String idTag) {
        if (idTag.isBlank()) { // no id tag has an empty name: refused here, never looked up
            send(FrameCodec.callError(callId, ErrorCode.PropertyConstraintViolation, "idTag: must not be empty"));
            return;
        }
        busy = true;
        getContext().ask(Authorization.class, control.sharding().entityRefFor(IdTagEntity.ENTITY_KEY, idTag),
                settings.askTimeout(), replyTo -> new IdTagEntity.Authorize(now(), replyTo),
                (authorization, err) -> {
                    if (authorization != null) {
                        return new Authorized(callId, report, authorization);
                    }
                    return new Answered(FrameCodec.callError(callId, ErrorCode.InternalError,
                            "authorization lookup failed"));
                });
    }

    private Behavior<SessionMessage> forward(String callId, ProtocolAdapter.Report report,
                                             Authorization authorization) {
        if (report == null) {
            send(adapter.authorizeAnswer(callId, authorization));
            busy = false;
            return processNext();
        }
        busy = true;
        inFlight = callId;
        inFlightReport = report;
        toPile(new PileCommand.FromCharger(identity, callId, report.report(), report.tolerated(), authorization,
                now(), getContext().getSelf(), answers));
        inFlightSince = System.nanoTime();
        if (!watching) {
            watchCall(settings.askTimeout().toNanos());
        }
        return this;
    }

    /**
     * A call the pile has not answered within the ask timeout is answered InternalError. One timer per session,
     * armed when a call goes to the pile while it is not running, re-armed when it fires only while a call is in
     * flight (for what is left of that call's timeout): a charger sending once a second arms it about once per
     * timeout instead of once per call. A timer per call (started, then cancelled by the answer) left each call's
     * task in the scheduler's wheel for the whole timeout: in the open-loop mix at 10,000 calls/s, a young
     * collection had copied 60,796 such tasks and 89,041 scheduler queue nodes (docs/benchmarks-history.md, eleventh round).
     */
    private void watchCall(long delayNanos) {
        watching = true;
        timers.startSingleTimer(CallWatch.FIRED, CallWatch.FIRED, Duration.ofNanos(delayNanos));
    }

    private Behavior<SessionMessage> onCallWatch() {
        watching = false;
        if (inFlight == null) {
            return this;
        }
        long left = settings.askTimeout().toNanos() - (System.nanoTime() - inFlightSince);
        if (left > 0) {
            watchCall(left);
            return this;
        }
        String messageId = inFlight;
        inFlight = null;
        inFlightReport = null;
        shedLog.timedOut(identity, messageId); // counted for the node, logged every few seconds
        callOutcome = "timeout";
        send(FrameCodec.callError(messageId, ErrorCode.InternalError,
                "the charger's state could not be updated; retry later"));
        busy = false;
        return processNext();
    }

    /** Straight to the pile's actor while it lives, else through the shard region. */
    private void toPile(PileCommand message) {
        if (pileDirect != null) {
            pileDirect.tell(message);
        } else {
            pile.tell(message);
        }
    }

    private Behavior<SessionMessage> onSendCall(SessionMessage.SendCall c) {
        ProtocolAdapter.Outbound out = adapter.call(c.commandId(), c.operation());
        if (out.failure() != null) {
            toPile(new PileCommand.ChargerAnswered(c.commandId(), null, null, out.failure(), now()));
        } else {
            callsToCharger.put(c.commandId(), out.action());
            send(out.frame());
        }
        return this;
    }

    private void send(String frame) {
        socket.send(frame);
        if (callAction != null && frame.length() > 2 && (frame.charAt(1) == '3' || frame.charAt(1) == '4')) {
            metrics.call(callAction, callOutcome != null ? callOutcome : frame.charAt(1) == '3' ? "result" : "error",
                    System.nanoTime() - callReadAt);
            callAction = null;
        }
    }

    private Instant now() {
        return control.clock().instant();
    }
}
