package io.chargeplane.ocpp;

/**
 * CALLERROR codes as OCPP-J 1.6 section 4.2.3 defines them. The spelling of
 * {@link #OccurenceConstraintViolation} is the specification's.
 */
public enum ErrorCode {
    /** Requested action is not known by the receiver. */
    NotImplemented,
    /** Requested action is recognized but not supported by the receiver. */
    NotSupported,
    /** An internal error occurred and the receiver was not able to process the requested action. */
    InternalError,
    /** Payload for action is incomplete. */
    ProtocolError,
    /** A security issue occurred during processing of the action. */
    SecurityError,
    /** Payload is syntactically incorrect or does not conform to the PDU structure of the action. */
    FormationViolation,
    /** A field contains an invalid value. */
    PropertyConstraintViolation,
    /** A field violates occurrence constraints. */
    OccurenceConstraintViolation,
    /** A field violates data type constraints. */
    TypeConstraintViolation,
    /** Any other error. */
    GenericError
}
