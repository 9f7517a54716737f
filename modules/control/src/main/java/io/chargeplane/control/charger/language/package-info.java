/**
 * The charger's language, the same for every protocol version: what a charger reports ({@link
 * io.chargeplane.control.charger.language.ChargerReport}), what the pile answers ({@link
 * io.chargeplane.control.charger.language.ChargerReply}) and what an operator asks of it ({@link
 * io.chargeplane.control.charger.language.ChargerOperation}). A protocol adapter at the edge (gateway/ocpp/v16 for
 * OCPP 1.6) turns frames into these and back; the pile never sees a frame.
 */
package io.chargeplane.control.charger.language;
