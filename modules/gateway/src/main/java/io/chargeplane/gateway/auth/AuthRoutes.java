package io.chargeplane.gateway.auth;

import static io.chargeplane.gateway.api.Replies.body;
import static io.chargeplane.gateway.api.Replies.reply;

import io.chargeplane.control.account.Accounts;
import io.chargeplane.gateway.api.Endpoint;
import io.chargeplane.gateway.api.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sign-in and accounts: login (bearer token), logout (token revoked), who am I, own password change; and for
 * administrators, accounts with their role, password reset and unlock.
 */
public final class AuthRoutes extends org.apache.pekko.http.javadsl.server.AllDirectives {
    private final Accounts accounts;

    public AuthRoutes(Accounts accounts) {
        this.accounts = accounts;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/auth/login", Permission.PUBLIC, c -> extractRequest(req -> entity(
                        org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(), text -> {
                            var b = Json.parse(text);
                            String username = Json.text(b, "username", true, 64);
                            String password = Json.text(b, "password", true, 256);
                            return reply(() -> accounts.login(username, password), in -> CookieSession.loginCookies(
                                    (Accounts.LoggedIn) in, accounts.settings().tokenTtl(), CookieSession.overHttps(req)));
                        }))),
                Endpoint.post("/api/auth/logout", Permission.SIGNED_IN, c -> reply(() -> accounts.logout(c.token()),
                        v -> CookieSession.clearedCookies())),
                Endpoint.get("/api/auth/me", Permission.SIGNED_IN, c -> reply(() -> CompletableFuture.completedFuture(
                        Map.of("username", c.principal().username(), "role", c.principal().role(),
                                "expiresAt", c.principal().expiresAt())))),
                Endpoint.put("/api/auth/password", Permission.SIGNED_IN, c -> body(b -> accounts.changeOwnPassword(
                        c.principal().username(), Json.text(b, "currentPassword", true, 256),
                        Json.text(b, "newPassword", true, 256), c.origin()))),
                Endpoint.post("/api/accounts", Permission.MANAGE_ACCOUNTS, c -> body(b -> accounts.create(
                        Json.text(b, "username", true, 64), Json.text(b, "role", true, 16),
                        Json.text(b, "password", true, 256), c.origin()))),
                Endpoint.get("/api/accounts/{username}", Permission.MANAGE_ACCOUNTS,
                        c -> reply(() -> accounts.get(c.param("username")))),
                Endpoint.put("/api/accounts/{username}/role", Permission.MANAGE_ACCOUNTS, c -> body(b ->
                        accounts.changeRole(c.param("username"), Json.text(b, "role", true, 16), c.origin()))),
                Endpoint.put("/api/accounts/{username}/password", Permission.MANAGE_ACCOUNTS, c -> body(b ->
                        accounts.setPassword(c.param("username"), Json.text(b, "password", true, 256), c.origin()))),
                Endpoint.post("/api/accounts/{username}/unlock", Permission.MANAGE_ACCOUNTS,
                        c -> reply(() -> accounts.unlock(c.param("username"), c.origin()))),
                Endpoint.post("/api/accounts/{username}/disable", Permission.MANAGE_ACCOUNTS,
                        c -> reply(() -> accounts.setDisabled(c.param("username"), true, c.origin()))),
                Endpoint.post("/api/accounts/{username}/enable", Permission.MANAGE_ACCOUNTS,
                        c -> reply(() -> accounts.setDisabled(c.param("username"), false, c.origin()))));
    }
}
