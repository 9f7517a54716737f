package io.chargeplane.gateway.ocpp;

import io.chargeplane.gateway.ocpp.v16.Ocpp16Adapter;
import java.util.List;
import java.util.stream.Collectors;

/** The OCPP versions this server speaks, in order of preference when a charger offers several. */
public final class ProtocolAdapters {
    private ProtocolAdapters() {
    }

    static final List<ProtocolAdapter> SPOKEN = List.of(Ocpp16Adapter.INSTANCE);

    /**
     * The adapter for the best subprotocol a charger offers in its Sec-WebSocket-Protocol header, or null when it
     * offers none this server speaks.
     */
    static ProtocolAdapter offered(String header) {
        if (header == null) {
            return null;
        }
        List<String> offered = java.util.Arrays.stream(header.split(",")).map(String::trim).toList();
        for (ProtocolAdapter adapter : SPOKEN) {
            if (offered.contains(adapter.subprotocol())) {
                return adapter;
            }
        }
        return null;
    }

    static String names() {
        return SPOKEN.stream().map(ProtocolAdapter::subprotocol).collect(Collectors.joining(" or "));
    }
}
