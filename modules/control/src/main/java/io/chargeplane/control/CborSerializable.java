package io.chargeplane.control;

/** Marker for every message and event that crosses nodes or reaches the journal: serialised by Jackson CBOR. */
public interface CborSerializable {
}
