package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerNumberEntity;
import io.chargeplane.control.device.DeviceEntity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save saga whose node died after claiming the charger number and the device identity, before the pile took the
 * change, leaves claims for a pile that does not use them. After the grace they go to the next claimant; claims
 * a pile really uses never do.
 */
class OrphanClaimRepairTest {

    @Test
    void claimsLeftByAnInterruptedSagaGoToTheNextClaimantAfterTheGraceButRealOnesStay(@TempDir Path dir) throws Exception {
        MovableClock clock = new MovableClock();
        try (ChargePlaneNode node = TestNodes.start(TestNodes.h2(dir), Map.of("chargeplane.control.orphan-claim-grace", "2m"),
                clock)) {
            Rest admin = new Rest(node);
            admin.ok(admin.post("/api/stations", String.format(ChargerRegistrationTest.STATION, "Depot", "ST-1")));
            admin.ok(admin.post("/api/chargers", ChargerRegistrationTest.charger("direct", "REAL", "CN-REAL", "ST-1", "DEV-REAL")));

            // what a crash half-way through a save leaves behind: claims for a pile that never took them
            var sharding = node.control().sharding();
            sharding.entityRefFor(ChargerNumberEntity.ENTITY_KEY, "CN-G").<Result<Boolean>>ask(
                    r -> new ChargerNumberEntity.Claim("GHOST", clock.instant(), r), Duration.ofSeconds(5)).toCompletableFuture().get();
            sharding.entityRefFor(DeviceEntity.ENTITY_KEY, "DEV-G").<Result<DeviceEntity.Binding>>ask(
                    r -> new DeviceEntity.Claim("GHOST", r), Duration.ofSeconds(5)).toCompletableFuture().get();

            String wanted = ChargerRegistrationTest.charger("direct", "P-1", "CN-G", "ST-1", "DEV-G");
            assertEquals(409, admin.post("/api/chargers", wanted).status(), "within the grace the claim may still be in use");
            clock.advance(Duration.ofMinutes(1));
            assertEquals(409, admin.post("/api/chargers", wanted).status(), "a minute later still");
            clock.advance(Duration.ofMinutes(1).plusSeconds(1));
            Rest.Reply repaired = admin.post("/api/chargers", wanted);
            assertEquals(200, repaired.status(), String.valueOf(repaired.body()));
            assertEquals("DEV-G", repaired.body().get("identity").asText());

            Rest.Reply number = admin.post("/api/chargers", ChargerRegistrationTest.charger("direct", "P-2", "CN-REAL", "ST-1", null));
            assertEquals(409, number.status(), "a number its pile uses is never taken");
            Rest.Reply device = admin.post("/api/chargers", ChargerRegistrationTest.charger("direct", "P-3", "CN-3", "ST-1", "DEV-REAL"));
            assertEquals(409, device.status(), "a device its pile uses is never taken");
            assertEquals("deviceIdentity", device.body().get("field").asText());
        }
    }
}
