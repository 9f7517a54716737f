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

    public static <T> Result<T> rejected(int status, String field, String detail) {
        return new Result<>(null, new Rejection(status, field, detail));
    }

    public boolean isOk() {
        return rejection == null;
    }

    /** Why a command was refused: an HTTP-like status (400, 404, 409, 412, 423), the offending field or null. */
    public record Rejection(int status, String field, String detail) implements CborSerializable {
    }
}
