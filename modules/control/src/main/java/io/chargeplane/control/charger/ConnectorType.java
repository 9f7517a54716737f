package io.chargeplane.control.charger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Connector (plug) standards a charger can offer. Read from their names or their usual labels ("Type 2"). */
public enum ConnectorType {
    GBT_DC("GB/T DC"), GBT_AC("GB/T AC"), CCS1("CCS1"), CCS2("CCS2"), TYPE1("Type 1"), TYPE2("Type 2"),
    CHADEMO("CHAdeMO"), NACS("NACS");

    private final String label;

    ConnectorType(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static ConnectorType parse(String text) {
        String t = text == null ? "" : text.trim();
        for (ConnectorType c : values()) {
            if (c.name().equalsIgnoreCase(t) || c.label.equalsIgnoreCase(t)
                    || c.name().equalsIgnoreCase(t.replace(" ", "").replace("/", "").replace("-", "_"))) {
                return c;
            }
        }
        throw new IllegalArgumentException("connector type must be one of GB/T DC, GB/T AC, CCS1, CCS2, Type 1, "
                + "Type 2, CHAdeMO, NACS");
    }
}
