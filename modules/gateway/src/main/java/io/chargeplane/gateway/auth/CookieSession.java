package io.chargeplane.gateway.auth;

import io.chargeplane.control.account.Accounts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Cookie;

/**
 * The browser's way in: a browser's EventSource cannot send a bearer header, so login also sets the token as an
 * HttpOnly, SameSite=Strict cookie for {@code /api}. A request signed in by that cookie (and not by a bearer
 * header) that changes anything must also carry {@code X-CSRF-Token}, with the value of the readable
 * {@code chargeplane_csrf} cookie (derived from the token; a page of another site can neither read it nor make
 * the browser send it). Logout clears both.
 */
public final class CookieSession {
    public static final String SESSION = "chargeplane_session";
    public static final String CSRF = "chargeplane_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private CookieSession() {
    }

    /** The token of the session cookie, if the request has one. */
    public static Optional<String> token(HttpRequest req) {
        return req.getHeader(Cookie.class).flatMap(c -> {
            for (var pair : c.getCookies()) {
                if (pair.name().equals(SESSION) && !pair.value().isEmpty()) {
                    return Optional.of(pair.value());
                }
            }
            return Optional.empty();
        });
    }

    /** Whether a cookie-signed request may do what it asks: reads always, writes with the CSRF header. */
    public static boolean csrfSatisfied(HttpRequest req, String token) {
        String method = req.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return true;
        }
        return req.getHeader(CSRF_HEADER).map(HttpHeader::value)
                .map(v -> MessageDigest.isEqual(v.getBytes(StandardCharsets.UTF_8),
                        csrfOf(token).getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    /** The CSRF value of a session: a one-way digest of its token. */
    public static String csrfOf(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("csrf:" + token).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cookies a login sets; {@code secure} when the browser reached us over HTTPS. */
    public static List<HttpHeader> loginCookies(Accounts.LoggedIn in, Duration ttl, boolean secure) {
        long maxAge = ttl.getSeconds();
        String flags = "; Max-Age=" + maxAge + "; SameSite=Strict" + (secure ? "; Secure" : "");
        return List.of(HttpHeader.parse("Set-Cookie", SESSION + "=" + in.token() + "; Path=/api; HttpOnly" + flags),
                HttpHeader.parse("Set-Cookie", CSRF + "=" + csrfOf(in.token()) + "; Path=/" + flags));
    }

    /** The cookies a logout sets: both gone. */
    public static List<HttpHeader> clearedCookies() {
        return List.of(HttpHeader.parse("Set-Cookie", SESSION + "=; Path=/api; HttpOnly; Max-Age=0; SameSite=Strict"),
                HttpHeader.parse("Set-Cookie", CSRF + "=; Path=/; Max-Age=0; SameSite=Strict"));
    }

    /** Whether the request came over HTTPS (directly or through a proxy that says so). */
    public static boolean overHttps(HttpRequest req) {
        return req.getUri().scheme().equals("https") || req.getHeader("X-Forwarded-Proto").map(HttpHeader::value)
                .map(v -> v.equalsIgnoreCase("https")).orElse(false);
    }
}
