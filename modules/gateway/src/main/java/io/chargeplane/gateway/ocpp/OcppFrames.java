package io.chargeplane.gateway.ocpp;

import io.chargeplane.control.charger.SessionMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One charger's WebSocket after the upgrade: whole text messages go to its {@link ChargerSession} (fragments are
 * joined below, up to max-frame-size), control frames are handled here, and the session writes back through
 * the {@link ChargerSocket} methods. A message above max-frame-size goes to the session as its head only, to be
 * refused there; binary frames are ignored. Close codes, each sent once the calls read before are answered: 1009
 * above the hard limit, 1002/1007 protocol violations (found by Netty's decoder); and 1008 a charger that does not
 * read, and whatever the session chooses.
 */
final class OcppFrames extends SimpleChannelInboundHandler<WebSocketFrame> implements ChargerSocket {
    private static final Logger LOG = LoggerFactory.getLogger(OcppFrames.class);
    /** After our close frame the charger has this long to answer it before the connection is dropped. */
    private static final long CLOSE_HANDSHAKE_SECONDS = 3;

    private final Channel channel;
    private final OcppSettings settings;
    private volatile ActorRef<SessionMessage> session;
    private volatile boolean closeSent;
    private long binaryFrames;
    private long binaryLoggedAt;
    /** What is kept of a message too large to handle: enough to read its type and message id. */
    private static final int HEAD_BYTES = 256;

    OcppFrames(Channel channel, OcppSettings settings) {
        this.channel = channel;
        this.settings = settings;
    }

    void onClosed(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    void attach(ActorRef<SessionMessage> session) {
        this.session = session;
        if (!channel.isActive()) {
            session.tell(new ChargerSession.StreamDone());
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            if (closeSent) {
                return;
            }
            int bytes = text.content().readableBytes();
            if (bytes > settings.maxFrameBytes()) { // refused by the session, in turn: only its head is kept
                session.tell(new ChargerSession.OversizedIn(text.content().toString(text.content().readerIndex(),
                        Math.min(bytes, HEAD_BYTES), StandardCharsets.UTF_8), bytes));
            } else {
                session.tell(new ChargerSession.FrameIn(text.content().toString(StandardCharsets.UTF_8)));
            }
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
        } else if (frame instanceof CloseWebSocketFrame) {
            if (closeSent) {
                ctx.close();
            } else {
                closeSent = true; // echo the charger's close, then drop the connection
                ctx.writeAndFlush(frame.retainedDuplicate()).addListener(f -> ctx.close());
            }
        } else if (frame instanceof BinaryWebSocketFrame) {
            // buggy firmware: OCPP-J has no binary messages, and none can be answered; the session goes on
            binaryFrames++;
            long now = System.nanoTime();
            if (now - binaryLoggedAt > TimeUnit.MINUTES.toNanos(1) || binaryFrames == 1) {
                LOG.warn("{}: binary frame ignored (OCPP-J messages are text); {} so far on this socket",
                        channel.remoteAddress(), binaryFrames);
                binaryLoggedAt = now;
            }
        }
        // a pong answers our keep-alive ping: having read it is all that counts
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.ALL_IDLE) {
                ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
            } else if (idle.state() == IdleState.READER_IDLE) {
                LOG.info("{}: nothing read for {}, closing", channel.remoteAddress(), settings.idleTimeout());
                close(1001, "idle timeout");
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ActorRef<SessionMessage> s = session;
        if (s != null) {
            s.tell(new ChargerSession.StreamDone());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) { // the fragments of one message add up to too much
            LOG.warn("{}: message larger than {} bytes, closing with 1009 once the answers due are written",
                    channel.remoteAddress(), settings.hardFrameLimitBytes());
            closeWhenAnswered(1009, "message larger than " + settings.hardFrameLimitBytes() + " bytes");
        } else if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            // nothing more is read from this socket (the decoder drops the rest), but what was read is answered
            LOG.warn("{}: WebSocket protocol violation: {}", channel.remoteAddress(), cause.getMessage());
            closeWhenAnswered(corrupt.closeStatus().code(), corrupt.closeStatus().reasonText());
        } else if (cause instanceof IOException) {
            ctx.close(); // reset by the peer
        } else {
            LOG.error("{}: unexpected error on the socket", channel.remoteAddress(), cause);
            close(1011, "internal error");
        }
    }

    /** The session closes the socket once it has answered the calls it read before this point. */
    private void closeWhenAnswered(int code, String reason) {
        ActorRef<SessionMessage> s = session;
        if (s == null) {
            close(code, reason);
        } else {
            s.tell(new ChargerSession.CloseWhenAnswered(code, reason));
        }
    }

    // ChargerSocket: called by the session, from its own thread

    @Override
    public void send(String frame) {
        if (!channel.isWritable() && channel.isActive()) {
            LOG.warn("{}: more than {} bytes waiting to be written, the charger does not read; closing",
                    channel.remoteAddress(), channel.config().getWriteBufferHighWaterMark());
            channel.close();
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), frame)),
                channel.voidPromise());
    }

    @Override
    public void close(int code, String reason) {
        if (closeSent || !channel.isActive()) {
            return;
        }
        closeSent = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener(f ->
                channel.eventLoop().schedule(() -> {
                    channel.close();
                }, CLOSE_HANDSHAKE_SECONDS, TimeUnit.SECONDS));
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    /** A close reason may hold at most 123 bytes of UTF-8. */
    private static String truncate(String reason) {
        String r = reason == null ? "" : reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
