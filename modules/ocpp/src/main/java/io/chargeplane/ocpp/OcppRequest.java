package io.chargeplane.ocpp;

/** The payload of a CALL: one record per OCPP action. */
public interface OcppRequest {
}
