package io.chargeplane.control.review;

import io.chargeplane.control.CborSerializable;
import java.time.Instant;

/** The last review decision on a record, shown with it. */
public record Decision(String changeId, boolean approved, String comment, String by, Instant at)
        implements CborSerializable {
}
