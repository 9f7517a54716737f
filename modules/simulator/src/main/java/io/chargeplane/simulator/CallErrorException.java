package io.chargeplane.simulator;

import io.chargeplane.ocpp.ErrorCode;

/** The server answered a charger's call with a CALLERROR. */
public final class CallErrorException extends RuntimeException {
    private final ErrorCode code;

    public CallErrorException(ErrorCode code, String description) {
        super(code + ": " + description);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
