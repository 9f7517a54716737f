package io.chargeplane.gateway.api;

/** A request that cannot be served as sent; answered 400 with the field it names. */
final class BadRequest extends RuntimeException {
    final String field;

    BadRequest(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }
}
