package io.chargeplane.ocpp;

/** The payload of a CALLRESULT: one record per OCPP action. */
public interface OcppResponse {
}
