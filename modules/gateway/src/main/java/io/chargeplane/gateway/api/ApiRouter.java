package io.chargeplane.gateway.api;

import io.chargeplane.control.account.Accounts;
import io.chargeplane.control.account.TokenStore;
import io.chargeplane.gateway.auth.CookieSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Routes {@code /api/...} requests to their {@link Endpoint}: 404 for an unknown path, 405 for a known path with
 * another method, 401 without a valid bearer token (or session cookie, see {@link CookieSession}), 403 when the
 * operator's role lacks the endpoint's permission or a cookie-signed write lacks its CSRF header.
 */
public final class ApiRouter extends AllDirectives {
    private final List<Endpoint> endpoints;
    private final Accounts accounts;

    public ApiRouter(List<Endpoint> endpoints, Accounts accounts) {
        List<Endpoint> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparingInt(Endpoint::literals).reversed());
        this.endpoints = List.copyOf(sorted);
        this.accounts = accounts;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Input errors found anywhere while a route runs (also inside nested directives) become problem bodies. */
    private static final ExceptionHandler ERRORS = ExceptionHandler.newBuilder()
            .match(BadRequest.class, e -> Replies.problem(Problem.of(e.status, e.getMessage(), e.field())))
            .matchAny(e -> Replies.problem(Replies.toProblem(e)))
            .build();

    /** Bodies that cannot be read (too large, not text, cut off) are problems too, never plain-text defaults. */
    private static final RejectionHandler REJECTIONS = RejectionHandler.newBuilder()
            .handle(MalformedRequestContentRejection.class, r -> tooLarge(r.getCause())
                    ? Replies.problem(Problem.of(413, "the request body is too large", null))
                    : Replies.problem(Problem.of(400, "unreadable request body: " + r.message(), null)))
            .handleAll(Rejection.class, all -> Replies.problem(Problem.of(400, "the request was refused: " + all.get(0), null)))
            .build();

    private static boolean tooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getSimpleName().equals("EntityStreamSizeException")) {
                return true;
            }
        }
        return false;
    }

    public Route route() {
        return pathPrefix("api", () -> withRequestTimeoutResponse(ApiRouter::timedOut,
                () -> handleExceptions(ERRORS, () -> handleRejections(REJECTIONS,
                        () -> extractRequest(req -> extractClientIP(ip -> dispatch(req, ip)))))));
    }

    /** A request not answered within pekko.http.server.request-timeout: a problem like every other API error. */
    private static HttpResponse timedOut(HttpRequest request) {
        return Replies.problemResponse(Problem.of(503, "no answer within the server's request timeout; the work may"
                + " still complete: look before sending it again", null));
    }

    private Route dispatch(HttpRequest req, RemoteAddress ip) {
        List<String> segments = new ArrayList<>();
        req.getUri().pathSegments().forEach(segments::add);
        String method = req.method().name();
        TreeSet<String> allowed = new TreeSet<>();
        for (Endpoint e : endpoints) {
            Map<String, String> params = e.match(segments);
            if (params == null) {
                continue;
            }
            if (!e.method().equals(method)) {
                allowed.add(e.method());
                continue;
            }
            String address = ip.getAddress().map(a -> a.getHostAddress()).orElse("unknown");
            return authorize(req, e, params, address);
        }
        if (!allowed.isEmpty()) {
            return Replies.problem(Problem.of(405, method + " is not allowed here; allowed: " + String.join(", ", allowed),
                    null), HttpHeader.parse("Allow", String.join(", ", allowed)));
        }
        return Replies.problem(Problem.of(404, "no such resource: " + req.getUri().path(), null));
    }

    private Route authorize(HttpRequest req, Endpoint e, Map<String, String> params, String address) {
        Optional<String> token = bearer(req);
        if (!e.permission().needsLogin()) {
            return handle(e, new Call(params, null, token.orElse(null), address));
        }
        if (token.isEmpty()) {
            token = CookieSession.token(req);
            if (token.isPresent() && !CookieSession.csrfSatisfied(req, token.get())) {
                return Replies.problem(Problem.of(403, "a request signed in by the session cookie that changes"
                        + " anything must send header " + CookieSession.CSRF_HEADER + " with the value of cookie "
                        + CookieSession.CSRF, CookieSession.CSRF_HEADER));
            }
        }
        if (token.isEmpty()) {
            return unauthorized("sign in first: POST /api/auth/login, then send Authorization: Bearer <token>");
        }
        String signedIn = token.get();
        return onComplete(accounts.authenticate(signedIn), result -> {
            if (result.isFailure()) {
                return Replies.problem(Replies.toProblem(result.failed().get()));
            }
            Optional<TokenStore.Principal> who = result.get();
            if (who.isEmpty()) {
                return unauthorized("the token is unknown, expired or revoked: sign in again");
            }
            if (!e.permission().grantedTo(who.get().role())) {
                return Replies.problem(Problem.of(403, "role " + who.get().role() + " lacks permission "
                        + e.permission() + " for " + e.method() + " " + e.path(), null));
            }
            return handle(e, new Call(params, who.get(), signedIn, address));
        });
    }

    private static Route handle(Endpoint e, Call call) {
        try {
            return e.handler().handle(call);
        } catch (BadRequest b) {
            return Replies.problem(Problem.of(b.status, b.getMessage(), b.field));
        }
    }

    private static Route unauthorized(String detail) {
        return Replies.problem(Problem.of(401, detail, null), HttpHeader.parse("WWW-Authenticate", "Bearer"));
    }

    private static Optional<String> bearer(HttpRequest req) {
        return req.getHeader("Authorization").map(HttpHeader::value)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim())
                .filter(v -> !v.isEmpty());
    }
}
