package io.chargeplane.control.review;

/**
 * How an operator saves a station or charger: keep it as a draft (only before it ever went live), submit it for
 * review, or apply it directly (roles that may: MANAGER, ADMIN; the edge checks the role).
 */
public enum SaveMode {
    DRAFT, REVIEW, DIRECT;

    public static SaveMode parse(String text) {
        for (SaveMode m : values()) {
            if (m.name().equalsIgnoreCase(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode must be draft, review or direct");
    }
}
