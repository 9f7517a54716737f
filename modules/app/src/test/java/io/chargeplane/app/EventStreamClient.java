package io.chargeplane.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server-sent events client of {@code /api/events} for tests: reads the stream as a browser's EventSource would. */
final class EventStreamClient implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** One event: {@code id} null where the event had none; {@code comments} seen before it. */
    record Event(String id, String type, JsonNode data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reader;
    private final int status;
    private final String contentType;
    private volatile Stream<String> lines;

    /** Opens {@code path} with these request headers (name, value, name, value...). */
    EventStreamClient(String base, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<Stream<String>> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        status = r.statusCode();
        contentType = r.headers().firstValue("Content-Type").orElse("");
        lines = r.body();
        reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    static EventStreamClient bearer(Rest rest, String path, String... more) throws Exception {
        String[] headers = new String[more.length + 2];
        headers[0] = "Authorization";
        headers[1] = "Bearer " + rest.token();
        System.arraycopy(more, 0, headers, 2, more.length);
        return new EventStreamClient(rest.base(), path, headers);
    }

    private void read() {
        String id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(id, type == null ? "message" : type, OcppJson.MAPPER.readTree(data.toString())));
                    }
                    id = null;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            events.add(new Event(null, "end-of-stream", null));
        } catch (Exception e) {
            // closed by the test
        }
    }

    int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    List<String> comments() {
        return comments;
    }

    /** The next event, or null after {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next {@code n} events of {@code type}, skipping others; fails after {@code wait}. */
    List<Event> next(int n, String type, Duration wait) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (out.size() < n) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("only " + out.size() + " of " + n + " " + type + " events arrived: " + out);
            }
            if (e.type().equals(type)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first event of each of {@code types}, in whatever order they come, skipping others; fails after {@code wait}. */
    java.util.Map<String, Event> firstOfEach(Duration wait, String... types) throws InterruptedException {
        java.util.Map<String, Event> out = new java.util.LinkedHashMap<>();
        List<String> wanted = List.of(types);
        long deadline = System.nanoTime() + wait.toNanos();
        while (out.size() < wanted.size()) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("of " + wanted + " only these arrived: " + out.keySet());
            }
            if (wanted.contains(e.type())) {
                out.putIfAbsent(e.type(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        lines.close();
        reader.interrupt();
    }
}
