package io.chargeplane.gateway.ocpp;

import io.chargeplane.control.Control;
import io.chargeplane.control.charger.SessionMessage;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.device.DeviceEntity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCPP-J WebSocket server of a node ({@code ws://host:ocpp-port/ocpp/{identity}}). Netty does the socket
 * work (HTTP upgrade, WebSocket framing, pings) on its own I/O threads and hands whole text messages to one
 * {@link ChargerSession} actor per socket; nothing else sits between a charger and its session.
 */
public final class OcppServer {
    private static final Logger LOG = LoggerFactory.getLogger(OcppServer.class);
    static final String HANDSHAKE_TIMEOUT = "handshake-timeout";
    /** A connection must send its upgrade request within this time. */
    private static final int HANDSHAKE_SECONDS = 10;
    /** Bytes waiting to be written to one charger beyond which it counts as not reading (it is closed). */
    private static final int WRITE_HIGH_WATER = 256 * 1024;

    private final ActorSystem<?> system;
    private final Control control;
    private final OcppSettings settings;
    private final EventLoopGroup group;
    private final Channel server;
    private final Set<ActorRef<SessionMessage>> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong sessionNames = new AtomicLong();
    private final HandshakeAdmission admission;
    private final ShedLog shedLog = new ShedLog(java.time.Duration.ofSeconds(5));
    private final CallDeadline deadline;

    private OcppServer(ActorSystem<?> system, Control control, OcppSettings settings) throws InterruptedException {
        this.system = system;
        this.control = control;
        this.settings = settings;
        this.deadline = CallDeadline.from(settings);
        this.admission = new HandshakeAdmission(settings.concurrentHandshakes(), settings.handshakeQueueTimeout());
        io.chargeplane.control.metrics.NodeMetrics metrics = io.chargeplane.control.metrics.NodeMetrics.get(system);
        metrics.gauge("chargeplane.ocpp.connections", "open charger sockets (upgraded or not yet)", connections::get);
        metrics.gauge("chargeplane.ocpp.sessions", "connected chargers: sockets past the WebSocket upgrade",
                this::openSessions);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("ocpp-io", true), io);
        try {
            this.server = new ServerBootstrap().group(group).channel(channelClass)
                    .option(ChannelOption.SO_BACKLOG, settings.backlog())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_HIGH_WATER / 2, WRITE_HIGH_WATER))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (connections.incrementAndGet() > settings.maxConnections()) {
                                connections.decrementAndGet();
                                LOG.warn("refusing a connection from {}: {} connections open (max-connections)",
                                        ch.remoteAddress(), settings.maxConnections());
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> connections.decrementAndGet());
                            ch.pipeline().addLast(HANDSHAKE_TIMEOUT, new ReadTimeoutHandler(HANDSHAKE_SECONDS))
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new HttpObjectAggregator(8192))
                                    .addLast(new OcppHandshake(settings, OcppServer.this::lookup, OcppServer.this::spawnSession));
                        }
                    })
                    .bind(settings.host(), settings.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("OCPP-J server on ws://{}:{}{}{identity} ({} I/O threads, {})", settings.host(), port(),
                OcppHandshake.PATH_PREFIX, settings.ioThreads(), epoll ? "epoll" : "nio");
    }

    /** Binds the server; fails (with the cause) when the address is taken. */
    public static OcppServer start(ActorSystem<?> system, Control control) throws InterruptedException {
        return new OcppServer(system, control, OcppSettings.from(system.settings().config()));
    }

    /**
     * The identity's binding, read in turn (see {@link HandshakeAdmission}). The turn also wakes the bound pile:
     * after a restart its recovery then happens here, in turn, instead of under the charger's first
     * BootNotification (whose 10 s limit some ran into during a storm). A pile that does not answer does not
     * stop the upgrade: the session finds out on its own.
     */
    private java.util.concurrent.CompletionStage<DeviceEntity.Binding> lookup(String identity, Channel channel) {
        return admission.submit(() -> binding(identity)
                .thenCompose(binding -> !binding.bound() ? CompletableFuture.completedFuture(binding)
                        : control.sharding().entityRefFor(PileEntity.ENTITY_KEY, binding.pileId())
                                .ask(PileCommand.Wake::new, settings.handshakeLookupTimeout())
                                .handle((awake, failure) -> binding)), channel::isActive);
    }

    /**
     * From the table copy when it is current (no entity recovered: what makes a storm of reconnects cheap), else
     * from the device entity (also when the copy could not be read: the entity may be in memory).
     */
    private java.util.concurrent.CompletionStage<DeviceEntity.Binding> binding(String identity) {
        return control.deviceBindings().current(identity).handle((copy, failure) -> failure == null && copy.isPresent()
                ? CompletableFuture.completedFuture(copy.get())
                : control.sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity)
                        .ask(DeviceEntity.Lookup::new, settings.handshakeLookupTimeout()))
                .thenCompose(binding -> binding);
    }

    private ActorRef<SessionMessage> spawnSession(OcppFrames socket, String identity, String remoteAddress,
                                                  DeviceEntity.Binding binding, ProtocolAdapter adapter) {
        ActorRef<SessionMessage> session = system.systemActorOf(
                ChargerSession.create(identity, remoteAddress, control, settings, socket, binding, adapter,
                        deadline, shedLog),
                "ocpp-" + sessionNames.incrementAndGet(), Props.empty());
        sessions.add(session);
        socket.onClosed(() -> sessions.remove(session));
        return session;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** On shutdown: every socket of this node is closed with 1001 so that its charger reconnects elsewhere. */
    public CompletableFuture<Void> closeAll(Duration grace) {
        sessions.forEach(s -> s.tell(new ChargerSession.GoingAway()));
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(
                sessions.isEmpty() ? 0 : grace.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Stops accepting connections and drops the ones left. */
    public CompletableFuture<Void> unbind() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        server.close().addListener(f -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                .addListener(g -> done.complete(null)));
        return done;
    }

    public int openSessions() {
        return sessions.size();
    }

    public int openConnections() {
        return connections.get();
    }
}
