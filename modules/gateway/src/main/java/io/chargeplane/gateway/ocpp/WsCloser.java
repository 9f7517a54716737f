package io.chargeplane.gateway.ocpp;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Closes one WebSocket with a chosen close code (1001 going away, 1009 too big, ...). Pekko HTTP's message
 * API can only close with 1000 or 1011, so the close frame is written by {@link FrameGuard} below the
 * message layer; this handle reaches it from the session actor.
 */
public final class WsCloser {
    private final AtomicReference<BiConsumer<Integer, String>> target = new AtomicReference<>();
    private volatile int requestedCode;
    private volatile String requestedReason;

    void attach(BiConsumer<Integer, String> closeFn) {
        target.set(closeFn);
        if (requestedCode != 0) {
            closeFn.accept(requestedCode, requestedReason);
        }
    }

    public void close(int code, String reason) {
        requestedCode = code;
        requestedReason = reason;
        BiConsumer<Integer, String> fn = target.get();
        if (fn != null) {
            fn.accept(code, reason);
        }
    }
}
