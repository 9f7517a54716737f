package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Runs on a real PostgreSQL: embedded by default, or CHARGEPLANE_TEST_PG_URL. Never falls back to H2. */
class PostgresEndToEndTest extends ChargingSessionScenario {

    @Override
    TestNodes.Db database() throws Exception {
        return TestNodes.postgres();
    }

    @Override
    void assertDatabase(ChargePlaneNode node) throws Exception {
        String version = node.database().productVersion();
        assertTrue(version.startsWith("PostgreSQL"), "SELECT version() = " + version);
    }

    @Test
    void aWholeChargingSessionSurvivesARestartOfTheServerOnPostgres() throws Exception {
        aWholeChargingSessionSurvivesARestartOfTheServer();
    }
}
