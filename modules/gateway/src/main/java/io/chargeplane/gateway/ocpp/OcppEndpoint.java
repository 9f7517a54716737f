package io.chargeplane.gateway.ocpp;

import io.chargeplane.control.Control;
import io.chargeplane.control.charger.SessionMessage;
import io.chargeplane.ocpp.v16.Ocpp16;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.event.Logging;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket$;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import scala.concurrent.duration.FiniteDuration;

/**
 * The OCPP-J WebSocket endpoint {@code /ocpp/{identity}}: checks the subprotocol and the identity, then
 * joins the socket to a new {@link ChargerSession}.
 */
public final class OcppEndpoint extends AllDirectives {
    /**
     * Frames waiting to be written to one charger. The source allocates its buffer up front, so this is
     * memory per connection; a charger that lets more pile up is not reading and its socket fails.
     */
    private static final int OUTBOUND_BUFFER = 64;
    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._~:@+*|\\-]+");

    private final ActorSystem<?> system;
    private final Control control;
    private final OcppSettings settings;
    private final WebSocketSettings wsSettings;
    private final Set<ActorRef<SessionMessage>> sessions = ConcurrentHashMap.newKeySet();

    public OcppEndpoint(ActorSystem<?> system, Control control) {
        this.system = system;
        this.control = control;
        this.settings = OcppSettings.from(system.settings().config());
        this.wsSettings = (WebSocketSettings) org.apache.pekko.http.javadsl.settings.ServerSettings
                .create(system.classicSystem()).getWebsocketSettings();
    }

    public Route route() {
        return pathPrefix("ocpp", () -> path(PathMatchers.segment(), identity ->
                extractClientIP(ip -> extractWebSocketUpgrade(upgrade -> {
                    if (identity.length() > settings.identityMaxLength() || !IDENTITY.matcher(identity).matches()) {
                        return complete(StatusCodes.BAD_REQUEST, "charge point identity must be 1-"
                                + settings.identityMaxLength() + " characters of [A-Za-z0-9._~:@+*|-]");
                    }
                    if (!offers(upgrade, Ocpp16.SUBPROTOCOL)) {
                        return complete(StatusCodes.BAD_REQUEST, "Sec-WebSocket-Protocol must offer "
                                + Ocpp16.SUBPROTOCOL + "; offered: " + upgrade.getRequestedProtocols());
                    }
                    String address = ip.getAddress().map(a -> a.getHostAddress()).orElse("unknown");
                    return complete(accept(upgrade, identity, address));
                }))));
    }

    private HttpResponse accept(WebSocketUpgrade upgrade, String identity, String remoteAddress) {
        WsCloser closer = new WsCloser();
        ActorRef<SessionMessage> session = system.systemActorOf(
                ChargerSession.create(identity, remoteAddress, control, settings, closer),
                "ocpp-" + UUID.randomUUID(), Props.empty());
        sessions.add(session);
        Flow<String, String, NotUsed> texts = Flow.fromSinkAndSourceCoupled(inbound(session), outbound(session));
        Flow<FrameEvent, FrameEvent, NotUsed> handler = frameLayers(closer).join(texts)
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, e) -> sessions.remove(session));
                    return NotUsed.getInstance();
                });
        @SuppressWarnings({"unchecked", "rawtypes"})
        org.apache.pekko.stream.Graph<org.apache.pekko.stream.FlowShape<FrameEvent, FrameEvent>, Object> graph =
                (org.apache.pekko.stream.Graph) handler;
        return (HttpResponse) ((UpgradeToWebSocketLowLevel) upgrade)
                .handleFrames(graph, scala.Option.apply(Ocpp16.SUBPROTOCOL));
    }

    /**
     * Pekko's WebSocket layers up to frame handling (masking, control frames, close handshake, keep-alive
     * pings), our frame-size guard below them and our text layer above them instead of Pekko's message API.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private BidiFlow<FrameEvent, String, String, FrameEvent, NotUsed> frameLayers(WsCloser closer) {
        WebSocket$ ws = WebSocket$.MODULE$;
        org.apache.pekko.stream.scaladsl.BidiFlow masking = ws.masking(true, wsSettings.randomFactory());
        org.apache.pekko.stream.scaladsl.BidiFlow frames = ws.frameHandling(true,
                FiniteDuration.apply(3, TimeUnit.SECONDS), Logging.getLogger(system.classicSystem(), OcppEndpoint.class));
        org.apache.pekko.stream.scaladsl.BidiFlow keepAlive = ws.periodicKeepAlive(wsSettings);
        org.apache.pekko.stream.scaladsl.BidiFlow lower = masking.atop(frames).atop(keepAlive);
        BidiFlow guard = BidiFlow.fromGraph(new FrameGuard(settings.maxFrameBytes(), closer));
        BidiFlow text = BidiFlow.fromGraph(new TextMessageLayer(Duration.ofSeconds(3)));
        return guard.atop(lower.asJava()).atop(text);
    }

    private Sink<String, NotUsed> inbound(ActorRef<SessionMessage> session) {
        return Flow.<String>create().<SessionMessage>map(ChargerSession.FrameIn::new)
                .to(ActorSink.actorRef(session, new ChargerSession.StreamDone(), ChargerSession.StreamFailed::new));
    }

    private Source<String, NotUsed> outbound(ActorRef<SessionMessage> session) {
        return ActorSource.<ChargerSession.Outbound>actorRef(
                        m -> m instanceof ChargerSession.Complete,
                        m -> Optional.empty(), OUTBOUND_BUFFER, OverflowStrategy.fail())
                .mapMaterializedValue(ref -> {
                    session.tell(new ChargerSession.OutboundReady(ref));
                    return NotUsed.getInstance();
                })
                .map(m -> ((ChargerSession.Text) m).frame());
    }

    private static boolean offers(WebSocketUpgrade upgrade, String protocol) {
        for (String p : upgrade.getRequestedProtocols()) {
            if (p.equals(protocol)) {
                return true;
            }
        }
        return false;
    }

    /** On shutdown: every socket of this node is closed with 1001 so that its charger reconnects elsewhere. */
    public CompletableFuture<Void> closeAll(Duration grace) {
        sessions.forEach(s -> s.tell(new ChargerSession.GoingAway()));
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(
                sessions.isEmpty() ? 0 : grace.toMillis(), TimeUnit.MILLISECONDS));
    }

    public int openSessions() {
        return sessions.size();
    }
}
