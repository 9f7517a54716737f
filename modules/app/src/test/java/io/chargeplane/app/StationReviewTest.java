package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S2-S4 through the REST API: an operator submits a station for review, it is not live until a manager (not its
 * author) approves it; one pending change at a time; If-Match guards against lost updates; bad input names its
 * field and stores nothing; photos are checked by content. On H2 and on PostgreSQL.
 */
class StationReviewTest {
    static final String BERLIN = "{\"name\":\"Alexanderplatz P1\",\"address\":{\"line1\":\"Alexanderstr. 1\","
            + "\"postalCode\":\"10178\",\"city\":\"Berlin\",\"country\":\"DE\"},\"latitude\":52.5219,"
            + "\"longitude\":13.4132,\"timeZone\":\"Europe/Berlin\",\"phone\":\"+49 30 1234567\",\"openingHours\":\"24/7\"";

    @Test
    void stationsOnH2(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            walkThrough(node);
        }
    }

    @Test
    void stationsOnPostgres() throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.postgres())) {
            walkThrough(node);
        }
    }

    private static void walkThrough(ChargePlaneNode node) throws Exception {
        Rest admin = new Rest(node);
        admin.ok(admin.post("/api/accounts", "{\"username\":\"otto\",\"role\":\"OPERATOR\",\"password\":\"otto-password-1\"}"));
        admin.ok(admin.post("/api/accounts", "{\"username\":\"mia\",\"role\":\"MANAGER\",\"password\":\"mia-password-12\"}"));
        Rest otto = admin.as("otto", "otto-password-1");
        Rest mia = admin.as("mia", "mia-password-12");

        // an operator may not apply directly, only submit
        Rest.Reply direct = otto.post("/api/stations", "{\"stationId\":\"ST-1\",\"mode\":\"direct\"," + BERLIN.substring(1) + "}");
        assertEquals(403, direct.status());
        assertEquals("mode", direct.body().get("field").asText());

        JsonNode submitted = otto.ok(otto.post("/api/stations", "{\"stationId\":\"ST-1\",\"mode\":\"review\"," + BERLIN.substring(1) + "}"));
        assertEquals("PENDING_REVIEW", submitted.get("status").asText());
        assertTrue(submitted.path("live").isMissingNode(), "nothing is live before approval");
        String changeId = submitted.get("pending").get("changeId").asText();

        // one pending change at a time
        assertEquals(409, otto.put("/api/stations/ST-1", "{\"mode\":\"review\"," + BERLIN.substring(1) + "}").status());

        // the approvers' queue shows it (the read side follows the journal within a moment)
        JsonNode queue = eventually(() -> mia.ok(mia.get("/api/reviews")),
                q -> q.get("items").toString().contains(changeId));
        assertEquals("otto", queue.get("items").get(0).get("submittedBy").asText());

        // the reviewer sees the difference; the author cannot approve it, a manager can
        JsonNode review = mia.ok(mia.get("/api/stations/ST-1/review"));
        assertEquals(changeId, review.get("changeId").asText());
        assertTrue(review.get("changes").toString().contains("address.city"), review.toString());
        assertEquals(403, otto.post("/api/stations/ST-1/approve", "{\"changeId\":\"" + changeId + "\"}").status());
        JsonNode approved = mia.ok(mia.post("/api/stations/ST-1/approve", "{\"changeId\":\"" + changeId + "\"}"));
        assertEquals("ACTIVE", approved.get("status").asText());
        assertEquals("Berlin", approved.get("live").get("address").get("city").asText());

        // a manager applying directly: takes effect at once; with a stale If-Match the second writer gets 412
        Rest.Reply current = mia.get("/api/stations/ST-1");
        long version = current.body().get("version").asLong();
        String moved = BERLIN.replace("Alexanderplatz P1", "Alexanderplatz P2");
        Rest.Reply first = mia.sendWithHeader("PUT", "/api/stations/ST-1", "{\"mode\":\"direct\"," + moved.substring(1) + "}",
                "If-Match", "\"" + version + "\"");
        assertEquals(200, first.status(), String.valueOf(first.body()));
        Rest.Reply second = mia.sendWithHeader("PUT", "/api/stations/ST-1", "{\"mode\":\"direct\"," + BERLIN.substring(1) + "}",
                "If-Match", "\"" + version + "\"");
        assertEquals(412, second.status());
        assertEquals("Alexanderplatz P2", mia.ok(mia.get("/api/stations/ST-1")).get("live").get("name").asText());

        // a manager's own submitted change needs another approver; a rejection keeps the live details
        JsonNode pending = mia.ok(mia.put("/api/stations/ST-1", "{\"mode\":\"review\"," + BERLIN.replace("24/7", "Mo-Fr 08:00-20:00").substring(1) + "}"));
        String own = pending.get("pending").get("changeId").asText();
        assertEquals(403, mia.post("/api/stations/ST-1/approve", "{\"changeId\":\"" + own + "\"}").status());
        Rest.Reply noComment = admin.post("/api/stations/ST-1/reject", "{\"changeId\":\"" + own + "\"}");
        assertEquals("comment", noComment.body().get("field").asText());
        JsonNode rejected = admin.ok(admin.post("/api/stations/ST-1/reject", "{\"changeId\":\"" + own + "\",\"comment\":\"keep 24/7\"}"));
        assertEquals("ACTIVE", rejected.get("status").asText());
        assertEquals("24/7", rejected.get("live").get("openingHours").asText());
        assertEquals("keep 24/7", rejected.get("lastDecision").get("comment").asText());

        // lists, search and the map come from the read side; the audit log names who, from where, before and after
        JsonNode listed = eventually(() -> otto.ok(otto.get("/api/stations?status=ACTIVE&q=ALEXANDER&bbox=52,13,53,14")),
                l -> l.get("items").size() == 1 && l.get("items").get(0).path("pendingChange").isMissingNode());
        assertEquals("ST-1", listed.get("items").get(0).get("stationId").asText());
        assertEquals(0, otto.ok(otto.get("/api/stations?bbox=30,100,31,101")).get("items").size());
        assertEquals("bbox", otto.get("/api/stations?bbox=1,2,3").body().get("field").asText());
        JsonNode audit = eventually(() -> admin.ok(admin.get("/api/audit?entityType=station&entityId=ST-1")),
                a -> a.get("items").toString().contains("station.change-rejected"));
        JsonNode approval = null;
        for (JsonNode row : audit.get("items")) {
            if (row.get("action").asText().equals("station.change-approved")) {
                approval = row;
            }
        }
        assertNotNull(approval, audit.toString());
        assertEquals("mia", approval.get("username").asText());
        assertEquals("127.0.0.1", approval.get("address").asText());
        assertTrue(approval.get("afterJson").asText().contains("Berlin"));
        assertEquals(403, otto.get("/api/audit").status());

        // bad input: each a 400 naming the field, nothing written
        long rows = TestNodes.settledJournalRows(node);
        Map<String, String> bad = Map.of(
                "latitude", BERLIN.replace("52.5219", "91.5"),
                "longitude", BERLIN.replace("13.4132", "-181"),
                "timeZone", BERLIN.replace("Europe/Berlin", "Mars/Olympus"),
                "address.country", BERLIN.replace("\"DE\"", "\"Germany\""),
                "name", BERLIN.replace("\"name\":\"Alexanderplatz P1\",", ""),
                "phone", BERLIN.replace("+49 30 1234567", "call me"),
                "photos", BERLIN + ",\"photos\":[\"not-a-photo\"]");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Rest.Reply r = otto.post("/api/stations", "{\"mode\":\"review\"," + e.getValue().substring(1) + "}");
            assertEquals(400, r.status(), e.getKey() + ": " + r.body());
            assertEquals(e.getKey(), r.body().get("field").asText(), String.valueOf(r.body()));
        }
        assertEquals(rows, TestNodes.journalRows(node), "bad input wrote nothing");

        // photos: a real PNG is stored and served back; text pretending to be an image is refused
        byte[] png = tinyPng();
        JsonNode photo = otto.ok(otto.postBytes("/api/photos", png, "image/png"));
        String photoId = photo.get("photoId").asText();
        assertEquals("image/png", photo.get("mediaType").asText());
        assertEquals(415, otto.postBytes("/api/photos", "hello, not an image".getBytes(), "image/jpeg").status());
        assertEquals(413, otto.postBytes("/api/photos", new byte[6 * 1024 * 1024], "image/jpeg").status());
        HttpResponse<byte[]> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + node.port() + "/api/photos/" + photoId))
                .header("Authorization", "Bearer " + otto.token()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertEquals("image/png", served.headers().firstValue("Content-Type").orElse(""));
        assertTrue(java.util.Arrays.equals(png, served.body()));
        JsonNode withPhoto = otto.ok(otto.post("/api/stations", "{\"stationId\":\"ST-2\",\"mode\":\"draft\","
                + BERLIN.substring(1) + ",\"photos\":[\"" + photoId + "\"]}"));
        assertEquals("DRAFT", withPhoto.get("status").asText());
        assertEquals(photoId, withPhoto.get("draft").get("photos").get(0).asText());

        // decommission: only managers; then no more edits
        assertEquals(403, otto.post("/api/stations/ST-1/decommission", "").status());
        assertEquals("DECOMMISSIONED", mia.ok(mia.post("/api/stations/ST-1/decommission", "")).get("status").asText());
        assertEquals(409, mia.put("/api/stations/ST-1", "{\"mode\":\"direct\"," + BERLIN.substring(1) + "}").status());
        assertNotNull(mia.get("/api/stations/ST-1").body());
    }

    /** Polls a read-side query until it shows what is expected (projections follow the journal within a moment). */
    static JsonNode eventually(java.util.function.Supplier<JsonNode> query, java.util.function.Predicate<JsonNode> done)
            throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 100; i++) {
            last = query.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the read side never showed it; last: " + last);
    }

    /** A valid 1x1 PNG, made by the JDK. */
    static byte[] tinyPng() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
