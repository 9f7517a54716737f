package io.chargeplane.gateway.api;

/** A request that cannot be served as sent; answered 400 (or the status given) with the field it names. */
public final class BadRequest extends RuntimeException {
    final String field;
    final int status;

    public BadRequest(String field, String message) {
        this(400, field, message);
    }

    public BadRequest(int status, String field, String message) {
        super(message, null, false, false);
        this.field = field;
        this.status = status;
    }

    public String field() {
        return field;
    }
}
