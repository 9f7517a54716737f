package io.chargeplane.control.charger.language;

import java.time.Instant;
import java.util.Locale;

/**
 * Whether an id tag may charge, and until when; {@code parentIdTag} groups tags (a fleet's cards). The id tag's
 * entity answers it to a socket session on another node in a cluster: serializable.
 */
public record Authorization(Status status, Instant expiryDate, String parentIdTag)
        implements io.chargeplane.control.CborSerializable {

    public enum Status {
        ACCEPTED("Accepted"), BLOCKED("Blocked"), EXPIRED("Expired"), INVALID("Invalid"),
        CONCURRENT_TX("ConcurrentTx");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** As operators and the journal write it: Accepted, Blocked, ... */
        public String label() {
            return label;
        }

        /** The status an operator may give a tag: Accepted, Blocked, Expired or Invalid (any case). */
        public static Status ofTag(String text) {
            Status s = valueOf(text.toUpperCase(Locale.ROOT));
            if (s == CONCURRENT_TX) {
                throw new IllegalArgumentException("ConcurrentTx is decided per session, not given to a tag");
            }
            return s;
        }
    }

    /** The answer for a tag nobody registered. */
    public static Authorization unknown() {
        return new Authorization(Status.INVALID, null, null);
    }
}
