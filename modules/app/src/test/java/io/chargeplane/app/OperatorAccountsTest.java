package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S1: operator accounts, sign-in with bearer tokens, lockout, password and role changes — on H2 and PostgreSQL. */
class OperatorAccountsTest {

    @Test
    void accountsAndTokensOnH2(@TempDir Path dir) {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            walkThrough(new Rest(node));
            tokensCheckedTogetherEachGetTheirOwnAnswer(new Rest(node));
        }
    }

    @Test
    void accountsAndTokensOnPostgres() throws Exception {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.postgres())) {
            walkThrough(new Rest(node));
            tokensCheckedTogetherEachGetTheirOwnAnswer(new Rest(node));
        }
    }

    /**
     * Requests that arrive together have their tokens looked up in one query: each still gets its own account, and a
     * signed-out or unknown token among them gets 401.
     */
    private static void tokensCheckedTogetherEachGetTheirOwnAnswer(Rest admin) {
        admin.ok(admin.post("/api/accounts",
                "{\"username\":\"vera\",\"role\":\"VIEWER\",\"password\":\"vera-first-password\"}"));
        Rest vera = admin.as("vera", "vera-first-password");
        Rest signedOut = admin.as("vera", "vera-first-password");
        assertEquals(204, signedOut.post("/api/auth/logout", "").status());
        java.util.List<String> tokens = java.util.List.of(admin.token(), vera.token(), signedOut.token(), "not-a-token");
        java.util.List<String> owners = java.util.Arrays.asList("admin", "vera", null, null);
        java.util.concurrent.ExecutorService operators = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            java.util.List<java.util.concurrent.Future<Rest.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 160; i++) {
                String token = tokens.get(i % tokens.size());
                replies.add(operators.submit(() -> admin.anonymous().sendWithHeader("GET", "/api/auth/me", "",
                        "Authorization", "Bearer " + token)));
            }
            for (int i = 0; i < replies.size(); i++) {
                Rest.Reply r = replies.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
                String owner = owners.get(i % tokens.size());
                if (owner == null) {
                    assertEquals(401, r.status(), "request " + i);
                } else {
                    assertEquals(owner, admin.ok(r).get("username").asText(), "request " + i);
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            operators.shutdownNow();
        }
    }

    private static void walkThrough(Rest admin) {
        // the first administrator exists and can create an operator
        assertEquals("ADMIN", admin.ok(admin.get("/api/auth/me")).get("role").asText());
        JsonNode created = admin.ok(admin.post("/api/accounts",
                "{\"username\":\"olga\",\"role\":\"OPERATOR\",\"password\":\"olga-first-password\"}"));
        assertEquals("OPERATOR", created.get("role").asText());
        assertFalse(created.has("passwordHash"), "the hash never leaves the server");
        assertEquals(409, admin.post("/api/accounts",
                "{\"username\":\"olga\",\"role\":\"VIEWER\",\"password\":\"another-password\"}").status());

        // sign in, act, sign out: the token stops working
        Rest olga = admin.as("olga", "olga-first-password");
        assertEquals("olga", olga.ok(olga.get("/api/auth/me")).get("username").asText());
        assertEquals(204, olga.post("/api/auth/logout", "").status());
        assertEquals(401, olga.get("/api/auth/me").status());

        // a wrong password is 401 and does not say whether the user exists
        Rest.Reply wrong = admin.anonymous().post("/api/auth/login", "{\"username\":\"olga\",\"password\":\"nope-nope-nope\"}");
        Rest.Reply nobody = admin.anonymous().post("/api/auth/login", "{\"username\":\"nobody\",\"password\":\"nope-nope-nope\"}");
        assertEquals(401, wrong.status());
        assertEquals(wrong.body().get("detail"), nobody.body().get("detail"));

        // changing one's password revokes the old tokens and answers a new one
        Rest olga2 = admin.as("olga", "olga-first-password");
        Rest.Reply changed = olga2.put("/api/auth/password",
                "{\"currentPassword\":\"olga-first-password\",\"newPassword\":\"olga-second-password\"}");
        assertEquals(200, changed.status(), String.valueOf(changed.body()));
        assertEquals(401, olga2.get("/api/auth/me").status(), "the old token is revoked");
        Rest olga3 = admin.as("olga", "olga-second-password");
        assertEquals(200, olga3.get("/api/auth/me").status());
        Rest.Reply weak = olga3.put("/api/auth/password", "{\"currentPassword\":\"olga-second-password\",\"newPassword\":\"short\"}");
        assertEquals(400, weak.status());
        assertEquals("newPassword", weak.body().get("field").asText());

        // a role change takes effect at once: the account's tokens are revoked
        assertEquals(404, olga3.get("/api/chargers/none/live").status(), "an operator reads (and finds nothing)");
        assertEquals("VIEWER", admin.ok(admin.put("/api/accounts/olga/role", "{\"role\":\"VIEWER\"}")).get("role").asText());
        assertEquals(401, olga3.get("/api/auth/me").status());
        Rest viewer = admin.as("olga", "olga-second-password");
        assertEquals(403, viewer.post("/api/chargers", Rest.chargerBody("review", "X", null)).status());
        Rest.Reply badRole = admin.put("/api/accounts/olga/role", "{\"role\":\"GOD\"}");
        assertEquals(400, badRole.status());
        assertEquals("role", badRole.body().get("field").asText());

        // five wrong passwords in a row lock the account: even the right password gets 423 until unlocked, and a
        // token issued before the lock is refused from then on, for reads and writes
        Rest beforeLock = admin.as("olga", "olga-second-password");
        assertEquals(200, beforeLock.get("/api/auth/me").status());
        for (int i = 0; i < 4; i++) {
            assertEquals(401, admin.anonymous().post("/api/auth/login",
                    "{\"username\":\"olga\",\"password\":\"wrong-password-" + i + "\"}").status());
        }
        assertEquals(423, admin.anonymous().post("/api/auth/login",
                "{\"username\":\"olga\",\"password\":\"wrong-password-4\"}").status());
        Rest.Reply locked = admin.anonymous().post("/api/auth/login",
                "{\"username\":\"olga\",\"password\":\"olga-second-password\"}");
        assertEquals(423, locked.status());
        assertTrue(locked.body().get("detail").asText().contains("locked"));
        assertNotEquals(null, admin.ok(admin.get("/api/accounts/olga")).get("lockedUntil"));
        assertEquals(401, beforeLock.get("/api/auth/me").status(), "a locked account's old token reads nothing");
        assertEquals(401, beforeLock.put("/api/id-tags/LOCKED-TAG", "{\"status\":\"Accepted\"}").status());
        admin.ok(admin.post("/api/accounts/olga/unlock", ""));
        assertEquals(200, admin.anonymous().post("/api/auth/login",
                "{\"username\":\"olga\",\"password\":\"olga-second-password\"}").status());

        // an administrator disables the account: its tokens are refused at once, and it cannot sign in until enabled
        Rest beforeDisable = admin.as("olga", "olga-second-password");
        assertTrue(admin.ok(admin.post("/api/accounts/olga/disable", "")).get("disabled").asBoolean());
        assertEquals(401, beforeDisable.get("/api/auth/me").status());
        assertEquals(403, admin.anonymous().post("/api/auth/login",
                "{\"username\":\"olga\",\"password\":\"olga-second-password\"}").status());
        assertFalse(admin.ok(admin.post("/api/accounts/olga/enable", "")).get("disabled").asBoolean());

        // an administrator's password reset also revokes tokens
        Rest again = admin.as("olga", "olga-second-password");
        admin.ok(admin.put("/api/accounts/olga/password", "{\"password\":\"olga-third-password\"}"));
        assertEquals(401, again.get("/api/auth/me").status());
        assertEquals(404, admin.get("/api/accounts/nobody-here").status());

        // every write on accounts is in the audit log: who, from where; never a password hash
        JsonNode audit;
        try {
            audit = StationReviewTest.eventually(() -> admin.ok(admin.get("/api/audit?entityType=account&entityId=olga")),
                    a -> a.get("items").toString().contains("account.enabled"));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        String rows = audit.get("items").toString();
        for (String action : new String[] {"account.created", "account.role-changed", "account.password-changed",
                "account.locked", "account.unlocked", "account.disabled", "account.enabled"}) {
            assertTrue(rows.contains(action), action + " in " + rows);
        }
        assertFalse(rows.contains("argon2"), "no hash in the audit log");
        assertEquals("admin", audit.get("items").get(0).get("username").asText());
        assertEquals("127.0.0.1", audit.get("items").get(0).get("address").asText());
    }

    @Test
    void aTokenExpires(@TempDir Path dir) throws Exception {
        MovableClock clock = new MovableClock();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.auth.token-ttl", "8h"), clock)) {
            Rest admin = new Rest(node);
            assertEquals(200, admin.get("/api/auth/me").status());
            clock.advance(java.time.Duration.ofHours(7));
            assertEquals(200, admin.get("/api/auth/me").status(), "valid for its whole time to live");
            clock.advance(java.time.Duration.ofHours(1).plusSeconds(1));
            Rest.Reply expired = admin.get("/api/auth/me");
            assertEquals(401, expired.status());
            assertTrue(expired.body().get("detail").asText().contains("expired"));
        }
    }

    @Test
    void withoutAConfiguredPasswordTheFirstAdministratorGetsARandomOneInAFileOnlyTheOwnerReads(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("secrets/initial-admin-password");
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of(
                "chargeplane.auth.admin.password", "",
                "chargeplane.auth.admin.initial-password-file", file.toString()))) {
            String password = Files.readString(file).trim();
            assertTrue(password.length() >= 20, "a long random password");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file)));
            Rest admin = Rest.signedIn(node, "admin", password);
            assertEquals("ADMIN", admin.ok(admin.get("/api/auth/me")).get("role").asText());
        }
    }

    @Test
    void everyApiRouteExceptSignInNeedsAToken(@TempDir Path dir) {
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir))) {
            Rest anonymous = new Rest(node).anonymous();
            Rest.Reply r = anonymous.get("/api/chargers/p1/live");
            assertEquals(401, r.status());
            assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
            assertEquals(404, new Rest(node).get("/api/no-such-thing").status());
            assertEquals(405, new Rest(node).send("DELETE", "/api/chargers/p1/live", null).status());
        }
    }
}
