package io.chargeplane.app;

import static io.chargeplane.app.StationReviewTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Id tags: create, group under a parent, block, expire; list and search; Authorize follows; every change audited. */
class IdTagsTest {

    @Test
    void tagsAreCreatedGroupedBlockedExpiredListedAndAudited(@TempDir Path dir) throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest admin = new Rest(node);
            admin.pileWithDevice("p1", "CP-T");
            admin.ok(admin.put("/api/id-tags/FLEET-A", "{\"status\":\"Accepted\"}"));
            admin.ok(admin.put("/api/id-tags/CARD-1", "{\"status\":\"Accepted\",\"parentIdTag\":\"FLEET-A\"}"));
            admin.ok(admin.put("/api/id-tags/CARD-2", "{\"status\":\"Accepted\",\"parentIdTag\":\"FLEET-A\"}"));
            admin.ok(admin.put("/api/id-tags/CARD-3", "{\"status\":\"Accepted\",\"expiryDate\":\"2020-01-01T00:00:00Z\"}"));
            admin.ok(admin.put("/api/id-tags/CARD-2", "{\"status\":\"Blocked\",\"parentIdTag\":\"FLEET-A\"}"));

            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "CP-T")) {
                cp.boot("Acme", "AC22", "SN");
                DataTypes.IdTagInfo member = cp.authorize("CARD-1").idTagInfo();
                assertEquals(DataTypes.AuthorizationStatus.ACCEPTED, member.status());
                assertEquals("FLEET-A", member.parentIdTag());
                assertEquals(DataTypes.AuthorizationStatus.BLOCKED, cp.authorize("CARD-2").idTagInfo().status());
                assertEquals(DataTypes.AuthorizationStatus.EXPIRED, cp.authorize("CARD-3").idTagInfo().status());
                assertEquals(DataTypes.AuthorizationStatus.INVALID, cp.authorize("NOBODY").idTagInfo().status());
            }

            JsonNode group = eventually(() -> admin.ok(admin.get("/api/id-tags?parent=FLEET-A")),
                    l -> l.get("items").size() == 2 && l.toString().contains("Blocked"));
            assertEquals("CARD-1", group.get("items").get(0).get("idTag").asText());
            JsonNode page = admin.ok(admin.get("/api/id-tags?q=CARD&limit=2"));
            assertEquals(2, page.get("items").size());
            JsonNode rest = admin.ok(admin.get("/api/id-tags?q=CARD&limit=2&after=" + page.get("next").asText()));
            assertEquals("CARD-3", rest.get("items").get(0).get("idTag").asText());
            assertTrue(rest.path("next").isMissingNode(), "last page");
            assertEquals(1, admin.ok(admin.get("/api/id-tags?status=Blocked")).get("items").size());

            JsonNode audit = eventually(() -> admin.ok(admin.get("/api/audit?entityType=idtag&entityId=CARD-2")),
                    a -> a.get("items").size() == 2);
            JsonNode blocked = audit.get("items").get(0);
            assertEquals("admin", blocked.get("username").asText());
            assertTrue(blocked.get("beforeJson").asText().contains("Accepted"));
            assertTrue(blocked.get("afterJson").asText().contains("Blocked"));

            Rest.Reply self = admin.put("/api/id-tags/LOOP", "{\"status\":\"Accepted\",\"parentIdTag\":\"LOOP\"}");
            assertEquals(400, self.status());
            assertEquals("parentIdTag", self.body().get("field").asText());
            assertEquals("status", admin.put("/api/id-tags/X", "{\"status\":\"Maybe\"}").body().get("field").asText());
            assertEquals("idTag", admin.put("/api/id-tags/ABCDEFGHIJKLMNOPQRSTUVWXYZ", "{\"status\":\"Accepted\"}")
                    .body().get("field").asText());
        }
    }
}
