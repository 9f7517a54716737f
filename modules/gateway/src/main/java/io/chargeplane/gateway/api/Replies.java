package io.chargeplane.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.Result;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;

/**
 * The one place where REST answers are made: JSON bodies in, JSON or {@code application/problem+json} out. Errors
 * come as {@link BadRequest} (input), {@link Result.Rejection} (an entity's typed refusal), or a failed stage.
 */
public final class Replies {
    private static final ContentType PROBLEM = ContentTypes.create(
            MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));
    private static final AllDirectives D = new AllDirectives() { };

    private Replies() {
    }

    /** Parses the body as a JSON object and answers with what {@code handler} completes with. */
    public static Route body(Function<JsonNode, CompletionStage<?>> handler) {
        return D.entity(Unmarshaller.entityToString(), text -> reply(() -> handler.apply(Json.parse(text))));
    }

    /** A value to answer 202 Accepted with: the request is taken and still on its way (a command queued). */
    public record Accepted(Object value) {
    }

    /**
     * 200 with the stage's value as JSON (202 for an {@link Accepted} one); a {@link Result} is unwrapped (its
     * rejection becomes a problem).
     */
    public static Route reply(Supplier<CompletionStage<?>> work) {
        return reply(work, value -> List.of());
    }

    /** Like {@link #reply}, with headers made from the (unwrapped) value on success: a login's cookies. */
    public static Route reply(Supplier<CompletionStage<?>> work, Function<Object, List<HttpHeader>> headers) {
        CompletionStage<?> stage;
        try {
            stage = work.get();
        } catch (BadRequest e) {
            return problem(Problem.of(e.status, e.getMessage(), e.field));
        }
        return D.onComplete(stage, result -> {
            if (result.isFailure()) {
                return problem(toProblem(result.failed().get()));
            }
            Object value = result.get();
            if (value instanceof Result<?> r) {
                if (!r.isOk()) {
                    return problem(Problem.of(r.rejection()));
                }
                value = r.value();
            }
            Object v = value;
            return D.respondWithHeaders(headers.apply(v), () -> {
                if (v == null) {
                    return D.complete(StatusCodes.NO_CONTENT);
                }
                if (v instanceof Accepted a) {
                    return D.complete(StatusCodes.ACCEPTED, a.value(), Jackson.marshaller(Json.MAPPER));
                }
                return D.complete(StatusCodes.OK, v, Jackson.marshaller(Json.MAPPER));
            });
        });
    }

    /**
     * Like {@link #reply}, for an entity's {@code Result}: the value's version becomes the {@code ETag} header
     * (clients send it back in {@code If-Match}).
     */
    public static <T> Route versioned(Supplier<CompletionStage<Result<T>>> work, java.util.function.ToLongFunction<T> version) {
        CompletionStage<Result<T>> stage;
        try {
            stage = work.get();
        } catch (BadRequest e) {
            return problem(Problem.of(e.status, e.getMessage(), e.field));
        }
        return D.onComplete(stage, result -> {
            if (result.isFailure()) {
                return problem(toProblem(result.failed().get()));
            }
            Result<T> r = result.get();
            if (!r.isOk()) {
                return problem(Problem.of(r.rejection()));
            }
            return D.respondWithHeader(HttpHeader.parse("ETag", "\"" + version.applyAsLong(r.value()) + "\""),
                    () -> D.complete(StatusCodes.OK, r.value(), Jackson.marshaller(Json.MAPPER)));
        });
    }

    /** The version in an {@code If-Match} header ({@code "12"}, {@code W/"12"}), null for none or {@code *}. */
    public static Long ifMatch(java.util.Optional<String> header) {
        if (header.isEmpty() || header.get().trim().equals("*")) {
            return null;
        }
        String v = header.get().trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("If-Match", "If-Match must be the ETag of the record, e.g. \"12\"");
        }
    }

    static Problem toProblem(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof BadRequest b) {
            return Problem.of(b.status, b.getMessage(), b.field);
        }
        if (e instanceof StatusReply.ErrorMessage || e.getClass().getName().endsWith("ErrorMessage")) {
            return Problem.fromReplyError(e.getMessage());
        }
        if (e.getClass().getSimpleName().equals("EntityStreamSizeException")) {
            return Problem.of(413, "the request body is too large", null);
        }
        if (e instanceof java.util.concurrent.TimeoutException) {
            return Problem.of(504, "no answer in time: " + e.getMessage(), null);
        }
        return Problem.of(500, e.toString(), null);
    }

    public static Route problem(Problem p, HttpHeader... headers) {
        HttpResponse response = problemResponse(p);
        for (HttpHeader h : headers) {
            response = response.addHeader(h);
        }
        return D.complete(response);
    }

    /** The problem as a response, for answers made outside a route (the request timeout's). */
    public static HttpResponse problemResponse(Problem p) {
        try {
            return HttpResponse.create().withStatus(p.status())
                    .withEntity(HttpEntities.create(PROBLEM, Json.MAPPER.writeValueAsBytes(p)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
