package io.chargeplane.gateway.ocpp;

import io.chargeplane.control.charger.SessionMessage;
import io.chargeplane.control.device.DeviceEntity;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The HTTP request that opens an OCPP-J connection: {@code GET /ocpp/{identity}} upgrading to a WebSocket with
 * a subprotocol this server speaks ({@link ProtocolAdapters}: {@code ocpp1.6}). The identity's binding is read first: a device with an OCPP password must present
 * it (HTTP Basic, user = identity; 401 otherwise). A valid request is answered 101 and the channel continues with
 * {@link OcppFrames} and a new session; anything else gets a plain-text 4xx naming what is wrong, and the
 * connection is closed.
 */
final class OcppHandshake extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH_PREFIX = "/ocpp/";
    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._~:@+*|\\-]+");

    private final OcppSettings settings;
    private final WebSocketDecoderConfig decoderConfig;
    /** Spawns the session of an accepted socket. */
    interface Sessions {
        ActorRef<SessionMessage> spawn(OcppFrames socket, String identity, String remoteAddress,
                                       DeviceEntity.Binding binding, ProtocolAdapter adapter);
    }

    private final Sessions sessions;
    /** The identity's binding (which pile, which secret), asked before the upgrade is accepted. */
    private final BiFunction<String, Channel, CompletionStage<DeviceEntity.Binding>> lookup;

    OcppHandshake(OcppSettings settings,
                  BiFunction<String, Channel, CompletionStage<DeviceEntity.Binding>> lookup,
                  Sessions sessions) {
        this.settings = settings;
        this.lookup = lookup;
        this.sessions = sessions;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.hardFrameLimitBytes())
                .allowExtensions(false)
                // the close is ours (OcppFrames): only once the answers already due have been written
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "unreadable HTTP request");
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (!path.startsWith(PATH_PREFIX)) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "the OCPP endpoint is " + PATH_PREFIX + "{identity}");
            return;
        }
        String identity = path.substring(PATH_PREFIX.length());
        if (identity.isEmpty() || identity.length() > settings.identityMaxLength()
                || !IDENTITY.matcher(identity).matches()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "charge point identity must be 1-"
                    + settings.identityMaxLength() + " characters of [A-Za-z0-9._~:@+*|-]");
            return;
        }
        if (!HttpMethod.GET.equals(req.method())
                || !req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "expected a WebSocket upgrade (GET with Upgrade: websocket)");
            return;
        }
        ProtocolAdapter adapter = ProtocolAdapters.offered(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (adapter == null) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Sec-WebSocket-Protocol must offer " + ProtocolAdapters.names()
                    + "; offered: " + req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "nothing"));
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri(), adapter.subprotocol(),
                decoderConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String[] credentials = basicCredentials(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        req.retain(); // kept for the upgrade once the binding is known
        // the request is read: from here the wait is for this node (its turn among the handshakes, the lookup)
        if (ctx.pipeline().get(OcppServer.HANDSHAKE_TIMEOUT) != null) {
            ctx.pipeline().remove(OcppServer.HANDSHAKE_TIMEOUT);
        }
        lookup.apply(identity, ctx.channel()).whenComplete((binding, err) -> ctx.channel().eventLoop().execute(() -> {
            try {
                if (err != null) {
                    refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the charger's binding could not be read; retry");
                } else if (binding.secretDigest() != null && (credentials == null || !identity.equals(credentials[0])
                        || !binding.admits(credentials[1]))) {
                    unauthorized(ctx, credentials == null ? "this charger must authenticate (HTTP Basic: identity and "
                            + "its OCPP password)" : "wrong identity or password");
                } else {
                    upgrade(ctx, req, handshaker, identity, binding, adapter);
                }
            } finally {
                req.release();
            }
        }));
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketServerHandshaker handshaker,
                         String identity, DeviceEntity.Binding binding, ProtocolAdapter adapter) {
        if (!ctx.channel().isActive()) {
            return;
        }
        OcppFrames frames = new OcppFrames(ctx.channel(), settings);
        ctx.pipeline().replace(this, "ocpp-frames", frames);
        ctx.pipeline().addBefore("ocpp-frames", "ws-aggregator", new WebSocketFrameAggregator(settings.hardFrameLimitBytes()));
        ctx.pipeline().addBefore("ws-aggregator", "ws-idle", new IdleStateHandler(
                settings.idleTimeout().toMillis(), 0, settings.keepAlivePing().toMillis(), TimeUnit.MILLISECONDS));
        try {
            handshaker.handshake(ctx.channel(), req).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } catch (WebSocketHandshakeException e) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        // frames may follow the 101 at once; the session exists before any is read (a failed handshake closes
        // the channel, which stops the session)
        frames.attach(sessions.spawn(frames, identity, remoteAddress(ctx, req), binding, adapter));
    }

    /** {user, password} of an HTTP Basic header, or null. */
    static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).trim()),
                    java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void unauthorized(ChannelHandlerContext ctx, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                ByteBufUtil.writeUtf8(ctx.alloc(), message));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"ChargePlane OCPP\", charset=\"UTF-8\"")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** The charger's address: the first X-Forwarded-For entry when a proxy in front set it, else the peer's. */
    private static String remoteAddress(ChannelHandlerContext ctx, FullHttpRequest req) {
        String forwarded = req.headers().get("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].trim();
        }
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), message));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a read timeout before the request, or a reset: nothing was set up yet
    }
}
