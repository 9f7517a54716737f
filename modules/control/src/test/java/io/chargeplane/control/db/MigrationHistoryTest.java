package io.chargeplane.control.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;

/**
 * A migration a database has applied never changes: Flyway refuses to start when a script's checksum differs from
 * the one in the database's history. The checksums below are those of the releases up to 2026-12-03 (main at
 * 16a0d8a, each dialect with its own copy of every script); moving the scripts both dialects share to
 * {@code db/migration/common} must leave every one of them as it was.
 */
class MigrationHistoryTest {
    private static final Map<String, Integer> H2 = ordered(
            "1", -991399740, "2", 135752136, "3", 775606225, "4", 1990914053, "5", 1394221157, "6", -714864503,
            "7", 819486632, "9", 1351173535, "10", 137036707, "11", 56649991, "12", 183659153);
    private static final Map<String, Integer> POSTGRES = ordered(
            "1", 1702145590, "2", -807858326, "3", 775606225, "4", 1990914053, "5", -1624090014, "6", -714864503,
            "7", 819486632, "8", -236691584, "9", 1351173535, "10", 956025184, "11", 56649991, "12", 183659153);

    private static Map<String, Integer> ordered(Object... pairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return m;
    }

    /** Version -> checksum of the scripts a dialect would apply (read only: {@code info} runs none of them). */
    private static Map<String, Integer> checksums(Dialect dialect) {
        Flyway flyway = Flyway.configure()
                .dataSource("jdbc:h2:mem:history-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .locations(dialect.migrationLocations()).load();
        Map<String, Integer> m = new LinkedHashMap<>();
        for (MigrationInfo info : flyway.info().all()) {
            m.put(info.getVersion().getVersion(), info.getChecksum());
        }
        return m;
    }

    @Test
    void theH2MigrationsOfEarlierReleasesAreUnchanged() {
        Map<String, Integer> now = checksums(Dialect.H2);
        H2.forEach((version, checksum) -> assertEquals(checksum, now.get(version), "V" + version + " on H2"));
    }

    @Test
    void thePostgresMigrationsOfEarlierReleasesAreUnchanged() {
        Map<String, Integer> now = checksums(Dialect.POSTGRES);
        POSTGRES.forEach((version, checksum) -> assertEquals(checksum, now.get(version), "V" + version + " on PostgreSQL"));
    }
}
