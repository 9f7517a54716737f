package io.chargeplane.control;

/** Who asked for a change and from where: carried by operator commands into their events (the audit trail). */
public record Origin(String by, String address) implements CborSerializable {
    public static Origin system(String what) {
        return new Origin(what, "internal");
    }
}
