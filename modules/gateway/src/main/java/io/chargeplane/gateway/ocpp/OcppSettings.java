package io.chargeplane.gateway.ocpp;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code chargeplane.ocpp} settings of the WebSocket edge. */
public record OcppSettings(int maxFrameBytes, int maxUnreadableFrames, Duration askTimeout, int maxQueuedFrames,
                           int identityMaxLength, Duration reattachInterval, Duration shedAfter) {

    public static OcppSettings from(Config root) {
        Config c = root.getConfig("chargeplane.ocpp");
        return new OcppSettings((int) c.getBytes("max-frame-size").longValue(), c.getInt("max-unreadable-frames"),
                c.getDuration("entity-ask-timeout"), c.getInt("max-queued-frames"), c.getInt("identity-max-length"),
                c.getDuration("reattach-interval"), c.getDuration("shed-calls-waiting-longer-than"));
    }
}
