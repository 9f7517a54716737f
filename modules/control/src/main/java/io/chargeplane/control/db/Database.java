package io.chargeplane.control.db;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The SQL database shared by the journal (pekko-persistence-jdbc), the telemetry table and the sequences.
 * Its schema is owned by Flyway migrations, applied before the first entity starts.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    /** Opens a pool for {@code chargeplane.db} and migrates the schema. */
    public static Database open(Config root) {
        Config c = root.getConfig("chargeplane.db");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(Dialect.durableUrl(c.getString("url")));
        hc.setUsername(c.getString("user"));
        hc.setPassword(c.getString("password"));
        hc.setMaximumPoolSize(c.getInt("app-pool-size"));
        hc.setPoolName("chargeplane-app");
        HikariDataSource ds = new HikariDataSource(hc);
        Dialect dialect = Dialect.fromJdbcUrl(c.getString("url"));
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations(dialect.migrationLocations())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, dialect);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** What the server really talks to, e.g. {@code PostgreSQL 14.10 ...} or {@code H2 2.3.232}. */
    public String productVersion() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (dialect == Dialect.POSTGRES) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
                    rs.next();
                    return rs.getString(1);
                }
            }
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        }
    }

    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
