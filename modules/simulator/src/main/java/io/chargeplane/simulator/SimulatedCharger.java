package io.chargeplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.FrameCodec;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.v16.Core;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.ocpp.v16.Ocpp16;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One simulated OCPP 1.6J charge point over a real WebSocket ({@code java.net.http}). Sends calls and
 * returns their typed answers, answers the server's calls with scripted handlers, and can misbehave: raw
 * frames, resets, silence.
 */
public final class SimulatedCharger implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String identity;
    private final WebSocket socket;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Function<JsonNode, Object>> handlers = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Frame.Call> serverCalls = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Duration timeout = Duration.ofSeconds(20);

    private SimulatedCharger(String identity, WebSocket socket, Listener listener) {
        this.identity = identity;
        this.socket = socket;
        listener.owner = this;
        listener.drain();
    }

    /** Connects to {@code baseUri}/{identity}, e.g. {@code ws://127.0.0.1:8080/ocpp}, offering {@code ocpp1.6}. */
    public static SimulatedCharger connect(URI baseUri, String identity) {
        return connect(baseUri, identity, Ocpp16.SUBPROTOCOL);
    }

    public static SimulatedCharger connect(URI baseUri, String identity, String subprotocol) {
        return connect(baseUri, identity, subprotocol, null);
    }

    /** With OCPP security profile 1: HTTP Basic authentication, user = identity, with the charger's password. */
    public static SimulatedCharger connectWithPassword(URI baseUri, String identity, String password) {
        return connect(baseUri, identity, Ocpp16.SUBPROTOCOL, password);
    }

    private static SimulatedCharger connect(URI baseUri, String identity, String subprotocol, String password) {
        Listener listener = new Listener();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder();
        if (password != null) {
            builder.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (identity + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        WebSocket ws = builder
                .subprotocols(subprotocol)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(baseUri.toString() + "/" + identity), listener)
                .orTimeout(15, TimeUnit.SECONDS)
                .join();
        return new SimulatedCharger(identity, ws, listener);
    }

    public String identity() {
        return identity;
    }

    public SimulatedCharger withTimeout(Duration t) {
        this.timeout = t;
        return this;
    }

    /** How to answer a server CALL of this action; without a handler the answer is {@code {"status":"Accepted"}}. */
    public SimulatedCharger onCall(String action, Function<JsonNode, Object> handler) {
        handlers.put(action, handler);
        return this;
    }

    // ---- calls ------------------------------------------------------------------------------------------

    /** Sends a CALL and waits for its CALLRESULT payload; a CALLERROR throws {@link CallErrorException}. */
    public JsonNode call(String action, Object payload) {
        try {
            return callAsync(action, payload).toCompletableFuture()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    public CompletionStage<JsonNode> callAsync(String action, Object payload) {
        return callWithId(String.valueOf(ids.incrementAndGet()), action, payload);
    }

    public CompletionStage<JsonNode> callWithId(String messageId, String action, Object payload) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(messageId, f);
        sendRaw(FrameCodec.call(messageId, action, payload));
        return f;
    }

    public <T> T call(String action, Object payload, Class<T> responseType) {
        try {
            return OcppJson.MAPPER.treeToValue(call(action, payload), responseType);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Core.BootNotificationResponse boot(String vendor, String model, String serial) {
        return call("BootNotification", new Core.BootNotificationRequest(vendor, model, serial, null, "1.0", null, null,
                null, null), Core.BootNotificationResponse.class);
    }

    public void status(int connectorId, DataTypes.ChargePointStatus status) {
        call("StatusNotification", new Core.StatusNotificationRequest(connectorId, DataTypes.ChargePointErrorCode.NO_ERROR,
                null, status, Instant.now(), null, null));
    }

    public Core.HeartbeatResponse heartbeat() {
        return call("Heartbeat", new Core.HeartbeatRequest(), Core.HeartbeatResponse.class);
    }

    public Core.AuthorizeResponse authorize(String idTag) {
        return call("Authorize", new Core.AuthorizeRequest(idTag), Core.AuthorizeResponse.class);
    }

    public Core.StartTransactionResponse start(int connectorId, String idTag, long meterStart, Instant at) {
        return call("StartTransaction", new Core.StartTransactionRequest(connectorId, idTag, (int) meterStart, null, at, null),
                Core.StartTransactionResponse.class);
    }

    public void meterValues(int connectorId, Integer transactionId, Instant at, long energyWh, double powerW) {
        call("MeterValues", new Core.MeterValuesRequest(connectorId, transactionId, List.of(meterValue(at, energyWh, powerW))));
    }

    public static DataTypes.MeterValue meterValue(Instant at, long energyWh, double powerW) {
        return new DataTypes.MeterValue(at, List.of(
                new DataTypes.SampledValue(String.valueOf(energyWh), DataTypes.ReadingContext.SAMPLE_PERIODIC, null,
                        DataTypes.Measurand.ENERGY_ACTIVE_IMPORT_REGISTER, null, DataTypes.Location.OUTLET,
                        DataTypes.UnitOfMeasure.WH),
                new DataTypes.SampledValue(String.valueOf(powerW), DataTypes.ReadingContext.SAMPLE_PERIODIC, null,
                        DataTypes.Measurand.POWER_ACTIVE_IMPORT, null, DataTypes.Location.OUTLET,
                        DataTypes.UnitOfMeasure.W)));
    }

    public Core.StopTransactionResponse stop(int transactionId, long meterStop, Instant at, String idTag) {
        return call("StopTransaction", new Core.StopTransactionRequest(idTag, (int) meterStop, at, transactionId,
                DataTypes.Reason.LOCAL, null), Core.StopTransactionResponse.class);
    }

    // ---- raw access, for misbehaving ----------------------------------------------------------------------

    public void sendRaw(String text) {
        synchronized (socket) {
            socket.sendText(text, true).join();
        }
    }

    /** A binary WebSocket message, which OCPP-J does not use. */
    public void sendBinary(byte[] data) {
        synchronized (socket) {
            socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
        }
    }

    /** The next frame the server sent that was not the answer to a call made with {@link #call}. */
    public String nextRaw(Duration wait) {
        try {
            return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next CALL the server sent (already answered by the handler). */
    public Frame.Call nextServerCall(Duration wait) {
        try {
            return serverCalls.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Completes with the close code the server sent (1006 when the connection dropped without one). */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Closes the TCP connection without a close frame. */
    public void abort() {
        socket.abort();
        closed.complete(1006);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                closed.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    private void onText(String text) {
        FrameCodec.Decoded d = FrameCodec.decode(text);
        if (d instanceof FrameCodec.Ok ok) {
            Frame f = ok.frame();
            if (f instanceof Frame.CallResult r && pending.containsKey(r.messageId())) {
                pending.remove(r.messageId()).complete(r.payload());
                return;
            }
            if (f instanceof Frame.CallError e && pending.containsKey(e.messageId())) {
                pending.remove(e.messageId()).completeExceptionally(new CallErrorException(e.code(), e.description()));
                return;
            }
            if (f instanceof Frame.Call c) {
                Function<JsonNode, Object> h = handlers.getOrDefault(c.action(), p -> Map.of("status", "Accepted"));
                Object answer = h.apply(c.payload());
                if (answer != null) {
                    sendRaw(answer instanceof String s ? s : FrameCodec.callResult(c.messageId(), answer));
                }
                serverCalls.add(c);
                return;
            }
        }
        received.add(text);
    }

    private void onClosed(int code) {
        closed.complete(code);
        pending.values().forEach(p -> p.completeExceptionally(new IllegalStateException("socket closed " + code)));
    }

    /** Collects text (possibly in parts) and hands whole messages to the charger. */
    private static final class Listener implements WebSocket.Listener {
        private volatile SimulatedCharger owner;
        private final StringBuilder buffer = new StringBuilder();
        private final LinkedBlockingQueue<Object> early = new LinkedBlockingQueue<>();

        void drain() {
            Object o;
            while ((o = early.poll()) != null) {
                if (o instanceof String s) {
                    owner.onText(s);
                } else {
                    owner.onClosed((Integer) o);
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                if (owner == null) {
                    early.add(text);
                } else {
                    owner.onText(text);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (owner == null) {
                early.add(statusCode);
            } else {
                owner.onClosed(statusCode);
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (owner == null) {
                early.add(1006);
            } else {
                owner.onClosed(1006);
            }
        }
    }
}
