package io.chargeplane.gateway.ocpp;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code chargeplane.ocpp} settings of the WebSocket edge. */
public record OcppSettings(String host, int port, int ioThreads, int backlog, int maxConnections,
                           Duration keepAlivePing, Duration idleTimeout, int maxFrameBytes, int hardFrameLimitBytes,
                           int maxUnreadableFrames,
                           Duration askTimeout, int maxQueuedFrames, int pauseReadingAt, int identityMaxLength,
                           Duration reattachInterval, Duration shedAfter, Duration shedBehindAfter,
                           Duration shedBehindFor, int concurrentHandshakes,
                           Duration handshakeQueueTimeout, Duration handshakeLookupTimeout) {

    public static OcppSettings from(Config root) {
        Config c = root.getConfig("chargeplane.ocpp");
        int threads = c.getInt("io-threads");
        return new OcppSettings(c.getString("host"), c.getInt("port"),
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), c.getInt("backlog"),
                c.getInt("max-connections"), c.getDuration("keep-alive-ping"), c.getDuration("idle-timeout"),
                (int) c.getBytes("max-frame-size").longValue(),
                (int) Math.max(c.getBytes("max-frame-size"), c.getBytes("hard-frame-limit")), c.getInt("max-unreadable-frames"),
                c.getDuration("entity-ask-timeout"), c.getInt("max-queued-frames"), c.getInt("pause-reading-at"),
                c.getInt("identity-max-length"), c.getDuration("reattach-interval"),
                c.getDuration("shed-calls-waiting-longer-than"),
                c.getDuration("shed-when-behind-calls-waiting-longer-than"), c.getDuration("shed-when-behind-for"),
                c.getInt("concurrent-handshakes"),
                c.getDuration("handshake-queue-timeout"), c.getDuration("handshake-lookup-timeout"));
    }
}
