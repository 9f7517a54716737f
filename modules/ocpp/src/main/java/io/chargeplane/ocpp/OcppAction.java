package io.chargeplane.ocpp;

import java.util.Set;

/** One OCPP action: its name on the wire, its request and response records, and who may call it. */
public record OcppAction(String name,
                         Class<? extends OcppRequest> requestType,
                         Class<? extends OcppResponse> responseType,
                         Set<Direction> directions) {

    public boolean callableBy(Direction direction) {
        return directions.contains(direction);
    }

    /** The schema resource name of the request (the action itself) or of the response. */
    public String schemaName(boolean response) {
        return response ? name + "Response" : name;
    }
}
