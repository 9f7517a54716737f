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
