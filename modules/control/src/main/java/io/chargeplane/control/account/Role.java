package io.chargeplane.control.account;

/**
 * Operator roles, from most to least powerful. What each may do is the permission matrix in
 * {@code docs/permissions.md}, enforced by the REST edge.
 */
public enum Role {
    /** Accounts and everything else. */
    ADMIN,
    /** Approves changes, may apply them directly, and everything an operator can. */
    MANAGER,
    /** Edits stations, chargers and id tags; sends commands. */
    OPERATOR,
    /** Reads, works on work orders, may reboot a charger. */
    TECHNICIAN,
    /** Reads. */
    VIEWER;

    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be one of ADMIN, MANAGER, OPERATOR, TECHNICIAN, VIEWER");
    }
}
