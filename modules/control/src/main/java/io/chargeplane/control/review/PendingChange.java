package io.chargeplane.control.review;

import java.time.Instant;

/**
 * A change waiting for review: it does not alter the live record until an approver (not its author) accepts it.
 * Each reviewed entity has its own record holding the proposed details (so that they serialise with their type).
 */
public interface PendingChange {
    String changeId();

    String submittedBy();

    Instant submittedAt();
}
