package io.chargeplane.gateway.auth;

import io.chargeplane.control.account.Role;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a route requires. Which role holds which permission is this enum; {@code docs/permissions.md} shows the
 * same matrix, and a test walks every route with every role against that document.
 */
public enum Permission {
    /** No login: sign-in, the OpenAPI document. */
    PUBLIC(EnumSet.allOf(Role.class)),
    /** Any signed-in operator: who am I, log out, change my password. */
    SIGNED_IN(EnumSet.allOf(Role.class)),
    /** Read stations, chargers, id tags, telemetry, unbound identities. */
    READ(EnumSet.allOf(Role.class)),
    /** Create and edit stations (draft or submit for review), upload photos. */
    EDIT_STATIONS(EnumSet.of(Role.ADMIN, Role.MANAGER, Role.OPERATOR)),
    /** Save a station or charger change with immediate effect instead of submitting it for review. */
    APPLY_DIRECTLY(EnumSet.of(Role.ADMIN, Role.MANAGER)),
    /** Approve or reject changes waiting for review; decommission. */
    APPROVE_CHANGES(EnumSet.of(Role.ADMIN, Role.MANAGER)),
    /** Create and edit chargers and their device binding. */
    EDIT_CHARGERS(EnumSet.of(Role.ADMIN, Role.MANAGER, Role.OPERATOR)),
    /** Create, block and edit id tags. */
    EDIT_ID_TAGS(EnumSet.of(Role.ADMIN, Role.MANAGER, Role.OPERATOR)),
    /** Publish tariff versions (submitted for review, or directly with APPLY_DIRECTLY), withdraw a scheduled one. */
    EDIT_TARIFFS(EnumSet.of(Role.ADMIN, Role.MANAGER, Role.OPERATOR)),
    /** Any server-to-charger command (remote start / stop, configuration, firmware...). */
    SEND_COMMANDS(EnumSet.of(Role.ADMIN, Role.MANAGER, Role.OPERATOR)),
    /**
     * Any action of the charger's protocol by name with a hand-written payload (checked against the schema only):
     * for experts, since the server cannot know what such a call does to the charger's state.
     */
    SEND_RAW_CALLS(EnumSet.of(Role.ADMIN, Role.MANAGER)),
    /** Reboot a charger (Reset). */
    RESET_CHARGERS(EnumSet.of(Role.ADMIN, Role.MANAGER, Role.OPERATOR, Role.TECHNICIAN)),
    /** Read the audit log of operator writes. */
    READ_AUDIT(EnumSet.of(Role.ADMIN, Role.MANAGER)),
    /** Create accounts, change roles, reset passwords, unlock. */
    MANAGE_ACCOUNTS(EnumSet.of(Role.ADMIN));

    private final Set<Role> roles;

    Permission(Set<Role> roles) {
        this.roles = roles;
    }

    public boolean grantedTo(Role role) {
        return roles.contains(role);
    }

    public boolean needsLogin() {
        return this != PUBLIC;
    }
}
