package io.chargeplane.simulator.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One charger connection of the load generator (Netty, from a chosen source address). Sends
 * pre-built CALL frames, times each answer, and answers the server's own calls with Accepted; a Reset, once
 * answered, is handed to {@link #onReset} when one is set (a charger that really reboots).
 */
final class LoadCharger {

    interface Answer {
        void result(JsonNode payload);

        void error(String code);
    }

    private record Pending(String action, long startNanos, Answer answer) {
    }

    final String identity;
    private final LatencyBook book;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>(4);
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile io.netty.channel.Channel channel;
    final AtomicLong serverCalls = new AtomicLong();
    volatile java.util.function.Consumer<LoadCharger> onReset;

    private LoadCharger(String identity, LatencyBook book) {
        this.identity = identity;
        this.book = book;
    }

    static CompletableFuture<LoadCharger> connect(NettyWs ws, String baseUrl, String identity,
                                                 java.net.InetSocketAddress local, LatencyBook book) {
        LoadCharger c = new LoadCharger(identity, book);
        return ws.connect(java.net.URI.create(baseUrl + "/" + identity), local, c::onText, c::onClosed)
                .thenApply(ch -> {
                    c.channel = ch;
                    return c;
                });
    }

    /** Sends one CALL; {@code intendedNanos} is when it should have been sent (open loop), else now. */
    void call(String action, String payloadJson, long intendedNanos, Answer answer) {
        String id = Long.toString(ids.incrementAndGet());
        pending.put(id, new Pending(action, intendedNanos, answer));
        NettyWs.send(channel, "[2,\"" + id + "\",\"" + action + "\"," + payloadJson + "]");
    }

    void call(String action, String payloadJson, Answer answer) {
        call(action, payloadJson, System.nanoTime(), answer);
    }

    /** The I/O thread this charger's socket is served by: work handed to it needs no lock and no wake-up per call. */
    Executor ioThread() {
        return channel.eventLoop();
    }

    int outstanding() {
        return pending.size();
    }

    /** Counts and fails the calls that had no answer within {@code timeoutNanos}. */
    void expire(long nowNanos, long timeoutNanos) {
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> e = it.next();
            if (nowNanos - e.getValue().startNanos() > timeoutNanos && pending.remove(e.getKey()) != null) {
                book.timeout();
                e.getValue().answer().error("Timeout");
            }
        }
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    void close() {
        channel.close();
    }

    private void onText(String text) {
        JsonNode frame;
        try {
            frame = OcppJson.MAPPER.readTree(text);
        } catch (Exception e) {
            return;
        }
        int type = frame.get(0).asInt();
        String id = frame.get(1).asText();
        if (type == 2) {
            serverCalls.incrementAndGet();
            NettyWs.send(channel, "[3,\"" + id + "\",{\"status\":\"Accepted\"}]");
            java.util.function.Consumer<LoadCharger> reset = onReset;
            if (reset != null && frame.path(2).asText().equals("Reset")) {
                reset.accept(this);
            }
            return;
        }
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        if (type == 3) {
            book.record(p.action(), (System.nanoTime() - p.startNanos()) / 1000);
            p.answer().result(frame.get(2));
        } else {
            book.error(p.action(), frame.get(2).asText());
            p.answer().error(frame.get(2).asText());
        }
    }

    private void onClosed() {
        closed.complete(null);
        for (String id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p != null) {
                book.error(p.action(), "Closed");
                p.answer().error("Closed");
            }
        }
    }
}
