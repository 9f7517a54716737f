package io.chargeplane.gateway.review;

import io.chargeplane.control.review.SaveMode;
import io.chargeplane.gateway.api.BadRequest;
import io.chargeplane.gateway.api.Call;
import io.chargeplane.gateway.auth.Permission;

/** How a station or charger is saved: the user chooses the mode, the role decides whether it is allowed. */
public final class SaveModes {
    private SaveModes() {
    }

    /** The mode named by {@code text}: 400 naming {@code mode} if unknown, 403 if "direct" without APPLY_DIRECTLY. */
    public static SaveMode allowed(String text, Call c) {
        SaveMode mode;
        try {
            mode = SaveMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("mode", e.getMessage());
        }
        if (mode == SaveMode.DIRECT && !Permission.APPLY_DIRECTLY.grantedTo(c.principal().role())) {
            throw new BadRequest(403, "mode", "role " + c.principal().role()
                    + " may not apply changes directly: submit them for review (mode review)");
        }
        return mode;
    }
}
