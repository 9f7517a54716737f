package io.chargeplane.gateway.ocpp;

/**
 * What a {@link ChargerSession} may do with its charger's WebSocket. Every method may be called from any thread;
 * the transport ({@link OcppServer}) does the work on the socket's own I/O thread.
 */
public interface ChargerSocket {
    /** Writes one OCPP-J frame as a WebSocket text message. */
    void send(String frame);

    /** Sends a close frame with this code (1000 normal, 1001 going away, 1008 policy, ...) and closes. */
    void close(int code, String reason);

    /** Stops reading from the socket: the charger's further frames wait in TCP (back-pressure). */
    void pauseReading();

    void resumeReading();
}
