package io.chargeplane.control;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * An entity's typed answer: a value, or a {@link Rejection} that names the status, the field and the reason. Being
 * a record (not exception text) it crosses nodes intact, and the REST edge turns a rejection into a problem body.
 */
public record Result<T>(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) T value, Rejection rejection)
        implements CborSerializable {

    public static <T> Result<T> ok(T value) {
        return new Result<>(value, null);
    }

    public static <T> Result<T> rejected(Reason reason, String field, String detail) {
        return new Result<>(null, new Rejection(reason, field, detail));
    }

    public boolean isOk() {
        return rejection == null;
    }

    /** The value turned into another (an API's shape of it), the rejection kept. */
    public <U> Result<U> map(java.util.function.Function<T, U> f) {
        return isOk() ? new Result<>(f.apply(value), null) : new Result<>(null, rejection);
    }

    /** Why a command was refused: the kind of reason, the offending field or null, and what to do about it. */
    public record Rejection(Reason reason, String field, String detail) implements CborSerializable {
    }

    /** The kinds of refusal, in the domain's terms; each edge maps them to its own (the REST edge to HTTP statuses). */
    public enum Reason {
        /** The request itself is wrong: a missing or malformed field, a value out of range. */
        INVALID,
        /** Credentials are missing, wrong or expired. */
        UNAUTHENTICATED,
        /** The caller may not do this (their own change, a disabled account, ...). */
        FORBIDDEN,
        NOT_FOUND,
        /** It contradicts what exists: a taken number or identity, a pending change, a session in progress. */
        CONFLICT,
        /** The caller's version is not the current one: someone else changed it. */
        STALE,
        /** Temporarily refused: an account locked after failed logins. */
        LOCKED,
        /** A step of a workflow could not be completed now; retrying may succeed. */
        UNAVAILABLE
    }
}
