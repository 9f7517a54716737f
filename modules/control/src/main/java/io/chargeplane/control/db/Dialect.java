package io.chargeplane.control.db;

/** The few SQL differences between the embedded H2 default and PostgreSQL. */
public enum Dialect {
    H2("h2", "SELECT NEXT VALUE FOR transaction_id_block"),
    POSTGRES("postgres", "SELECT nextval('transaction_id_block')");

    private final String migrationFolder;
    private final String nextTransactionBlock;

    Dialect(String migrationFolder, String nextTransactionBlock) {
        this.migrationFolder = migrationFolder;
        this.nextTransactionBlock = nextTransactionBlock;
    }

    /**
     * Where Flyway finds this database's migrations: the dialect's own folder, and {@code common} for migrations
     * written in SQL both databases take (version numbers are shared between the two).
     */
    public String[] migrationLocations() {
        return new String[] {"classpath:db/migration/" + migrationFolder, "classpath:db/migration/common"};
    }

    public String nextTransactionBlockSql() {
        return nextTransactionBlock;
    }

    /**
     * The URL with what makes a commit durable before it returns. H2 by default writes committed transactions to
     * its file up to 500 ms later (WRITE_DELAY): a process killed in that window loses transactions whose callers
     * were already told they committed (answered StartTransactions, issued transaction ids). With WRITE_DELAY=0 every
     * commit is written to the file before it returns, so a killed process loses nothing; H2 does not fsync per
     * commit, so an operating-system crash or power loss can still lose the last commits (docs/operations.md:
     * PostgreSQL is the database for that). A URL that asks for another delay is refused.
     */
    public static String durableUrl(String url) {
        if (fromJdbcUrl(url) != H2) {
            return url;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i);WRITE_DELAY=([^;]*)").matcher(url);
        if (m.find()) {
            if (!m.group(1).trim().equals("0")) {
                throw new IllegalArgumentException("chargeplane.db.url sets WRITE_DELAY=" + m.group(1)
                        + ": commits would be answered before they are written; leave it out (ChargePlane sets 0)");
            }
            return url;
        }
        return url + ";WRITE_DELAY=0";
    }

    public static Dialect fromJdbcUrl(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        throw new IllegalArgumentException("unsupported database URL " + url + " (H2 or PostgreSQL)");
    }
}
