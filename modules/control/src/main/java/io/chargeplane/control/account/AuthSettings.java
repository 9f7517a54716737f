package io.chargeplane.control.account;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code chargeplane.auth} settings. */
public record AuthSettings(Duration tokenTtl, int maxFailedLogins, Duration lockDuration, int minPasswordLength,
                           String adminUsername, String adminPassword, String initialPasswordFile) {

    public static AuthSettings from(Config root) {
        Config c = root.getConfig("chargeplane.auth");
        return new AuthSettings(c.getDuration("token-ttl"), c.getInt("max-failed-logins"), c.getDuration("lock-duration"),
                c.getInt("min-password-length"), c.getString("admin.username"), c.getString("admin.password"),
                c.getString("admin.initial-password-file"));
    }
}
