package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.v16.DataTypes.ChargePointStatus;
import io.chargeplane.simulator.SimulatedCharger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/events} as a dashboard uses it: over a real HTTP connection, with chargers speaking OCPP over real
 * WebSockets. A client that comes back with {@code Last-Event-ID} gets exactly what it missed, in order, from a
 * running node or from the journal after a restart; a browser signs in by cookie and its writes need the CSRF header.
 */
class EventFeedTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aClientThatDisconnectsAndResumesWithLastEventIdGetsExactlyTheEventsItMissedInOrder(@TempDir Path dir)
            throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.feed.keep-alive", "1s"))) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            StationReviewTest.eventually(() -> rest.ok(rest.get("/api/chargers?stationId=" + Rest.TEST_STATION)),
                    l -> l.get("items").size() == 1); // the feed knows a charger's station from the charger list
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1")) {
                String lastSeen;
                try (EventStreamClient first = EventStreamClient.bearer(rest, "/api/events?chargerId=p1")) {
                    assertEquals(200, first.status());
                    assertTrue(first.contentType().startsWith("text/event-stream"), first.contentType());
                    assertEquals("ready", first.next(WAIT).type());
                    cp.boot("Acme", "AC22", "SN1");
                    cp.status(1, ChargePointStatus.AVAILABLE);
                    // the connection is logged apart from the pile's journal: it may come before or after the status
                    Map<String, EventStreamClient.Event> seen = first.firstOfEach(WAIT, "charger.connection",
                            "charger.status");
                    EventStreamClient.Event online = seen.get("charger.connection");
                    assertTrue(online.data().get("data").get("online").asBoolean());
                    assertEquals(Rest.TEST_STATION, online.data().get("stationId").asText(), "the charger's station");
                    EventStreamClient.Event available = seen.get("charger.status");
                    assertEquals("Available", available.data().get("data").get("status").asText());
                    lastSeen = available.id();
                    Thread.sleep(1500);
                    assertFalse(first.comments().isEmpty(), "an idle stream carries keep-alive comments");
                }

                List<String> missed = List.of("Preparing", "Charging", "SuspendedEV", "Finishing", "Available");
                try (EventStreamClient watcher = EventStreamClient.bearer(rest, "/api/events?kind=charger.status")) {
                    assertEquals("ready", watcher.next(WAIT).type());
                    for (ChargePointStatus s : new ChargePointStatus[] {ChargePointStatus.PREPARING,
                            ChargePointStatus.CHARGING, ChargePointStatus.SUSPENDED_EV, ChargePointStatus.FINISHING,
                            ChargePointStatus.AVAILABLE}) {
                        cp.status(1, s);
                    }
                    watcher.next(missed.size(), "charger.status", WAIT); // all five are in the feed by now
                }

                try (EventStreamClient resumed = EventStreamClient.bearer(rest,
                        "/api/events?chargerId=p1&kind=charger.status", "Last-Event-ID", lastSeen)) {
                    EventStreamClient.Event ready = resumed.next(WAIT);
                    assertEquals("ready", ready.type());
                    assertEquals(lastSeen, ready.id());
                    List<EventStreamClient.Event> got = resumed.next(missed.size(), "charger.status", WAIT);
                    List<String> statuses = new ArrayList<>();
                    long previous = Long.parseLong(lastSeen);
                    for (EventStreamClient.Event e : got) {
                        statuses.add(e.data().get("data").get("status").asText());
                        assertTrue(Long.parseLong(e.id()) > previous, "in the journal's order, none twice");
                        previous = Long.parseLong(e.id());
                    }
                    assertEquals(missed, statuses);
                    assertNull(resumed.next(Duration.ofMillis(800)), "exactly the missed ones, nothing more");
                }
            }
        }
    }

    @Test
    void aClientResumesAfterARestartOfTheServerFromTheJournalWithTheSameEventsAndIds(@TempDir Path dir)
            throws Exception {
        TestNodes.Db db = TestNodes.h2(dir);
        List<EventStreamClient.Event> live;
        String before;
        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            rest.pileWithDevice("p1", "CP1");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP1");
                 EventStreamClient sse = EventStreamClient.bearer(rest, "/api/events?kind=batch")) {
                cp.boot("Acme", "AC22", "SN1");
                before = sse.next(WAIT).id();
                Rest.Reply created = rest.post("/api/batches", "{\"operation\":{\"type\":\"change-configuration\","
                        + "\"key\":\"HeartbeatInterval\",\"value\":\"600\"},\"chargers\":[\"p1\"]}");
                assertEquals(202, created.status(), created.body().toString());
                String batch = created.body().get("batchId").asText();
                live = new ArrayList<>();
                EventStreamClient.Event e;
                do {
                    e = sse.next(WAIT);
                    assertTrue(e != null, "the batch's events arrive: " + live);
                    live.add(e);
                } while (!(e.type().equals("batch.target") && e.data().get("data").get("done").asBoolean()));
                assertEquals("batch", live.get(0).type());
                assertEquals(batch, live.get(0).data().get("batchId").asText());
                assertEquals("ChangeConfiguration", live.get(0).data().get("data").get("operation").asText());
                assertEquals("Accepted", e.data().get("data").get("answer").asText());
                assertEquals("p1", e.data().get("chargerId").asText());
            }
        }
        try (ChargePlaneNode node = TestNodes.start(db)) {
            Rest rest = new Rest(node);
            try (EventStreamClient resumed = EventStreamClient.bearer(rest, "/api/events?kind=batch",
                    "Last-Event-ID", before)) {
                assertEquals("ready", resumed.next(WAIT).type());
                List<EventStreamClient.Event> again = new ArrayList<>();
                for (int i = 0; i < live.size(); i++) {
                    again.add(resumed.next(WAIT));
                }
                assertEquals(live, again, "the same events with the same ids, read back from the journal");
                assertNull(resumed.next(Duration.ofMillis(500)));
            }
        }
    }

    @Test
    void aBrowserSignedInByCookieReadsTheFeedAndItsWritesNeedTheCsrfHeader(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            String base = "http://127.0.0.1:" + node.port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                            + TestNodes.ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode());
            String session = cookie(login, "chargeplane_session");
            String csrf = cookie(login, "chargeplane_csrf");
            assertTrue(login.headers().allValues("Set-Cookie").stream()
                    .anyMatch(c -> c.startsWith("chargeplane_session=") && c.contains("HttpOnly")
                            && c.contains("SameSite=Strict")), "the session cookie is out of scripts' reach");
            String cookies = "chargeplane_session=" + session + "; chargeplane_csrf=" + csrf;

            try (EventStreamClient sse = new EventStreamClient(base, "/api/events", "Cookie", cookies)) {
                assertEquals(200, sse.status());
                assertEquals("ready", sse.next(WAIT).type());
            }
            String tag = "{\"status\":\"Accepted\"}";
            HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/api/id-tags/T1"))
                    .header("Cookie", cookies).PUT(HttpRequest.BodyPublishers.ofString(tag)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, forged.statusCode(), forged.body());
            assertEquals("X-CSRF-Token", OcppJson.MAPPER.readTree(forged.body()).get("field").asText());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/api/id-tags/T1"))
                    .header("Cookie", cookies).header("X-CSRF-Token", "guess")
                    .PUT(HttpRequest.BodyPublishers.ofString(tag)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, wrong.statusCode());
            HttpResponse<String> real = http.send(HttpRequest.newBuilder(URI.create(base + "/api/id-tags/T1"))
                    .header("Cookie", cookies).header("X-CSRF-Token", csrf)
                    .PUT(HttpRequest.BodyPublishers.ofString(tag)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, real.statusCode(), real.body());

            HttpResponse<String> logout = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/logout"))
                    .header("Cookie", cookies).header("X-CSRF-Token", csrf)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, logout.statusCode());
            assertTrue(logout.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("chargeplane_session=;")
                    && c.contains("Max-Age=0")), logout.headers().allValues("Set-Cookie").toString());
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/me"))
                    .header("Cookie", cookies).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, after.statusCode(), "the token behind the cookie is revoked");
        }
    }

    @Test
    void aBadResumePointOrKindIsA400NamingItAndTheFeedNeedsASignIn(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest rest = new Rest(node);
            Rest.Reply badId = rest.sendWithHeader("GET", "/api/events", "", "Last-Event-ID", "yesterday");
            assertEquals(400, badId.status());
            assertEquals("Last-Event-ID", badId.body().get("field").asText());
            Rest.Reply badKind = rest.get("/api/events?kind=charger.weather");
            assertEquals(400, badKind.status());
            assertEquals("kind", badKind.body().get("field").asText());
            assertEquals(401, rest.anonymous().get("/api/events").status());
        }
    }

    private static String cookie(HttpResponse<?> r, String name) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(name + "=")) {
                return c.substring(name.length() + 1, c.indexOf(';'));
            }
        }
        throw new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie"));
    }
}
