package io.chargeplane.gateway.api;

/** A request that cannot be served as sent; answered 400 with the field it names. */
public final class BadRequest extends RuntimeException {
    final String field;

    public BadRequest(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
