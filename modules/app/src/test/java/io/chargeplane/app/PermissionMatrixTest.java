package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.account.Role;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.auth.Permission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the router, called by every role, against the matrix in docs/permissions.md: a role without the
 * route's permission gets 403, a role with it never does; without a token everything but PUBLIC gets 401.
 */
class PermissionMatrixTest {
    static final Path MATRIX = Path.of("../../docs/permissions.md");

    @TempDir
    static Path dir;
    static ChargePlaneNode node;
    static Map<Role, Rest> clients = new EnumMap<>(Role.class);

    @BeforeAll
    static void start() {
        node = TestNodes.start(TestNodes.h2(dir));
        Rest admin = new Rest(node);
        for (Role role : Role.values()) {
            String user = "user-" + role.name().toLowerCase();
            admin.ok(admin.post("/api/accounts", "{\"username\":\"" + user + "\",\"role\":\"" + role
                    + "\",\"password\":\"password-of-" + user + "\"}"));
            clients.put(role, admin.as(user, "password-of-" + user));
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** The table in docs/permissions.md: permission name -> roles with a check mark. */
    static Map<String, Set<Role>> documentedMatrix() throws Exception {
        Map<String, Set<Role>> matrix = new HashMap<>();
        List<Role> columns = null;
        for (String line : Files.readAllLines(MATRIX)) {
            if (!line.startsWith("|")) {
                continue;
            }
            String[] cells = line.split("\\|");
            if (cells[1].trim().equals("permission")) {
                columns = new ArrayList<>();
                for (int i = 2; i < cells.length - 1; i++) {
                    columns.add(Role.valueOf(cells[i].trim()));
                }
                continue;
            }
            if (columns == null || cells[1].trim().startsWith("---")) {
                continue;
            }
            Set<Role> granted = java.util.EnumSet.noneOf(Role.class);
            for (int i = 0; i < columns.size(); i++) {
                if (cells[i + 2].trim().equals("✓")) {
                    granted.add(columns.get(i));
                }
            }
            matrix.put(cells[1].trim(), granted);
        }
        return matrix;
    }

    @Test
    void theDocumentedMatrixIsTheOneInTheCode() throws Exception {
        Map<String, Set<Role>> doc = documentedMatrix();
        for (Permission p : Permission.values()) {
            assertTrue(doc.containsKey(p.name()), p + " is missing from docs/permissions.md");
            for (Role r : Role.values()) {
                assertEquals(doc.get(p.name()).contains(r), p.grantedTo(r), p + " for " + r);
            }
        }
        assertEquals(Permission.values().length, doc.size(), "docs/permissions.md lists a permission the code lacks");
    }

    @Test
    void everyRouteAnswersEveryRoleAsTheDocumentedMatrixSays() throws Exception {
        Map<String, Set<Role>> doc = documentedMatrix();
        List<Endpoint> endpoints = node.edges().endpoints();
        assertFalse(endpoints.isEmpty());
        Rest anonymous = new Rest(node).anonymous();
        for (Endpoint e : endpoints) {
            String path = e.path().replace("{pileId}", "no-such-pile").replace("{idTag}", "NOSUCHTAG")
                    .replace("{username}", "nobody-here").replace("{stationId}", "no-such-station")
                    .replace("{photoId}", "0".repeat(64)).replace("{commandId}", "no-such-command").replace("{batchId}", "no-such-batch").replace("{token}", "no-such-token").replace("{fileName}", "f.bin").replace("{diagnosticsId}", "no-such-file").replace("{scope}", "station:no-such-station").replace("{transactionId}", "1");
            String body = e.method().equals("GET") ? null : "{}";
            Set<Role> granted = doc.get(e.permission().name());
            if (e.permission() != Permission.PUBLIC) {
                assertEquals(401, anonymous.send(e.method(), path, body).status(), "no token: " + e.method() + " " + path);
            }
            for (Role role : Role.values()) {
                int status = clients.get(role).send(e.method(), path, body).status();
                String what = role + " " + e.method() + " " + path + " (" + e.permission() + ")";
                if (granted.contains(role)) {
                    assertTrue(status != 403 && status != 401, what + " must be allowed, got " + status);
                } else {
                    assertEquals(403, status, what + " must be forbidden");
                }
                if (e.path().equals("/api/auth/logout")) {
                    clients.put(role, new Rest(node).as("user-" + role.name().toLowerCase(),
                            "password-of-user-" + role.name().toLowerCase()));
                }
            }
        }
    }
}
