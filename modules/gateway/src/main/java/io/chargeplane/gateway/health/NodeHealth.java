package io.chargeplane.gateway.health;

import io.chargeplane.control.Control;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * What this node's health checks read: its control plane once started, and whether it is shutting down. The
 * checks are made by Pekko Management from their class names (a constructor taking the actor system), so they
 * find the node here.
 */
public final class NodeHealth implements Extension {
    private static final Id ID = new Id();

    private volatile Control control;
    private volatile boolean shuttingDown;

    public static NodeHealth get(ActorSystem system) {
        return ID.get(system);
    }

    /** The node has started: its control plane is up and the first administrator exists. */
    public void started(Control control) {
        this.control = control;
    }

    void markShuttingDown() {
        shuttingDown = true;
    }

    Control control() {
        return control;
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    private static final class Id extends AbstractExtensionId<NodeHealth> {
        @Override
        public NodeHealth createExtension(ExtendedActorSystem system) {
            return new NodeHealth();
        }
    }
}
