package io.chargeplane.simulator.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OCPP 1.6 server that answers every call at once with a valid, fixed answer: no validation, no state,
 * no database (Netty). The load generator runs against it to measure its own ceiling.
 * Usage: {@code StubCsms [port]}; prints {@code STUB-PORT n}.
 */
public final class StubCsms implements AutoCloseable {
    private final AtomicInteger transactionIds = new AtomicInteger();
    private final EventLoopGroup group;
    private final Channel server;

    public StubCsms(int port, int threads) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ocpp").checkStartsWith(true).subprotocols("ocpp1.6").build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f)
                                            throws Exception {
                                        ctx.writeAndFlush(new TextWebSocketFrame(answer(f.text())), ctx.voidPromise());
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public static void main(String[] args) throws Exception {
        StubCsms stub = new StubCsms(args.length > 0 ? Integer.parseInt(args[0]) : 0,
                args.length > 1 ? Integer.parseInt(args[1]) : 2);
        System.out.println("STUB-PORT " + stub.port());
        stub.server.closeFuture().sync();
    }

    private String answer(String text) throws Exception {
        JsonNode f = OcppJson.MAPPER.readTree(text);
        String id = f.get(1).asText();
        String payload = switch (f.get(2).asText()) {
            case "BootNotification" -> "{\"status\":\"Accepted\",\"currentTime\":\"" + Instant.now() + "\",\"interval\":300}";
            case "Heartbeat" -> "{\"currentTime\":\"" + Instant.now() + "\"}";
            case "Authorize", "StopTransaction" -> "{\"idTagInfo\":{\"status\":\"Accepted\"}}";
            case "StartTransaction" -> "{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":"
                    + transactionIds.incrementAndGet() + "}";
            case "DataTransfer" -> "{\"status\":\"Accepted\"}";
            default -> "{}";
        };
        return "[3,\"" + id + "\"," + payload + "]";
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully();
    }
}
