package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Result;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an operator edits of a charger (S5-S7): its number in the network (unique, editable; the pile id stays the
 * key), the station it belongs to, model, maximum power, connectors, and the device bound to it (the OCPP
 * identity it connects with; null: none yet). Pure data with its own validation.
 */
public record ChargerDetails(String chargerNumber, String stationId, String model, double maxPowerKw,
                             List<Connector> connectors, String deviceIdentity) implements CborSerializable {

    /** One plug: its OCPP connector id (1..n), its standard and its power. */
    public record Connector(int connectorId, ConnectorType type, double powerKw) implements CborSerializable {
    }

    public static final Pattern NUMBER = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    public static final int MAX_CONNECTORS = 16;
    public static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._~:@+*|\\-]{1,48}");

    public ChargerDetails {
        connectors = connectors == null ? List.of() : List.copyOf(connectors);
    }

    public Optional<Result.Rejection> validate() {
        if (chargerNumber == null || !NUMBER.matcher(chargerNumber).matches()) {
            return bad("chargerNumber", "chargerNumber must be 1-64 characters of [A-Za-z0-9._-]");
        }
        if (stationId == null || stationId.isBlank()) {
            return bad("stationId", "every charger belongs to a station: stationId is required");
        }
        if (model == null || model.isBlank() || model.length() > 100) {
            return bad("model", "model is required, at most 100 characters");
        }
        if (!(maxPowerKw > 0 && maxPowerKw <= 2000)) {
            return bad("maxPowerKw", "maxPowerKw must be above 0 and at most 2000");
        }
        if (deviceIdentity != null && !IDENTITY.matcher(deviceIdentity).matches()) {
            return bad("deviceIdentity", "deviceIdentity (the OCPP identity in the charger's URL) must be 1-48 "
                    + "characters of [A-Za-z0-9._~:@+*|-]");
        }
        if (connectors.isEmpty() || connectors.size() > MAX_CONNECTORS) {
            return bad("connectors", "a charger has 1-" + MAX_CONNECTORS + " connectors");
        }
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < connectors.size(); i++) {
            Connector c = connectors.get(i);
            String at = "connectors[" + i + "]";
            if (c.connectorId() < 1 || c.connectorId() > MAX_CONNECTORS || !ids.add(c.connectorId())) {
                return bad(at + ".connectorId", at + ".connectorId must be a distinct number from 1 to " + MAX_CONNECTORS);
            }
            if (c.type() == null) {
                return bad(at + ".type", at + ".type is required");
            }
            if (!(c.powerKw() > 0 && c.powerKw() <= maxPowerKw)) {
                return bad(at + ".powerKw", at + ".powerKw must be above 0 and at most the charger's maxPowerKw");
            }
        }
        return Optional.empty();
    }

    private static Optional<Result.Rejection> bad(String field, String detail) {
        return Optional.of(new Result.Rejection(Result.Reason.INVALID, field, detail));
    }
}
