package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2EndToEndTest extends ChargingSessionScenario {
    @TempDir
    Path dir;

    @Override
    TestNodes.Db database() {
        return TestNodes.h2(dir);
    }

    @Override
    void assertDatabase(ChargePlaneNode node) throws Exception {
        assertTrue(node.database().productVersion().startsWith("H2"), node.database().productVersion());
        assertTrue(dir.resolve("chargeplane.mv.db").toFile().exists(), "the H2 database is a file on disk");
    }

    @Test
    void aWholeChargingSessionSurvivesARestartOfTheServerOnH2() throws Exception {
        aWholeChargingSessionSurvivesARestartOfTheServer();
    }
}
