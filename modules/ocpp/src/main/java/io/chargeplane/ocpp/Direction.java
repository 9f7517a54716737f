package io.chargeplane.ocpp;

/** Who may send the CALL of an action. */
public enum Direction {
    FROM_CHARGER,
    FROM_SERVER
}
