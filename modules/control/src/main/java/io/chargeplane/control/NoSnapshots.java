package io.chargeplane.control;

import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.Recovery;

/**
 * The recovery of an entity that never writes snapshots (a handful of events over its life): it skips the
 * snapshot query, one of the three queries each recovery costs (snapshot, highest sequence number, events). The
 * entities that use it set no retention criteria; one that starts snapshotting must drop it.
 */
public final class NoSnapshots {
    private NoSnapshots() {
    }

    public static Recovery recovery() {
        return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
    }
}
