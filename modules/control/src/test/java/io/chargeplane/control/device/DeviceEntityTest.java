package io.chargeplane.control.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeviceEntityTest {
    private static final ActorTestKit KIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
            .withFallback(ConfigFactory.parseString("pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

    @AfterAll
    static void tearDown() {
        KIT.shutdownTestKit();
    }

    private static EventSourcedBehaviorTestKit<DeviceEntity.Command, DeviceEntity.Event, DeviceEntity.State> device(String id) {
        return EventSourcedBehaviorTestKit.create(KIT.system(), DeviceEntity.create(id, Clock.systemUTC()));
    }

    @Test
    void anIdentityIsBoundToAtMostOnePile() {
        var kit = device("CP-A");
        var first = kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.Claim("pile-1", r));
        assertTrue(first.reply().isOk());
        var second = kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.Claim("pile-2", r));
        assertTrue(!second.reply().isOk());
        assertTrue(second.reply().rejection().reason() == io.chargeplane.control.Result.Reason.CONFLICT);
        assertTrue(second.events().isEmpty());
        kit.restart();
        assertEquals("pile-1", kit.getState().pileId());
    }

    @Test
    void aLookupOfAnIdentityNeverBoundWritesNothingAndStopsTheEntity() {
        var entity = KIT.spawn(DeviceEntity.create("STRANGER", Clock.systemUTC()));
        var probe = KIT.<DeviceEntity.Binding>createTestProbe();
        entity.tell(new DeviceEntity.Lookup(probe.getRef()));
        assertFalse(probe.receiveMessage().bound());
        probe.expectTerminated(entity);
        assertTrue(org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(KIT.system())
                .persistedInStorage("Device|STRANGER").isEmpty());
    }

    @Test
    void releasingGivesTheIdentityBack() {
        var kit = device("CP-B");
        kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.Claim("pile-1", r));
        kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.Release("pile-1", r));
        assertTrue(kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.Claim("pile-2", r))
                .reply().isOk());
    }

    @Test
    void everyEventIsCopiedWithItsSequenceNumberAndRecoveryCopiesTheStateAgain() {
        java.util.List<String> copies = new java.util.concurrent.CopyOnWriteArrayList<>();
        var kit = EventSourcedBehaviorTestKit.<DeviceEntity.Command, DeviceEntity.Event, DeviceEntity.State>create(
                KIT.system(), DeviceEntity.create("CP-C", Clock.systemUTC(),
                        (b, seqNr) -> copies.add(seqNr + ":" + b.pileId() + ":" + b.secretDigest() + ":" + b.serialNumber())));
        kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.Claim("pile-1", r));
        kit.<io.chargeplane.control.Result<DeviceEntity.Binding>>runCommand(r -> new DeviceEntity.IssueSecret("pile-1",
                "d1", io.chargeplane.control.Origin.system("test"), java.time.Instant.now(), r));
        kit.runCommand(new DeviceEntity.RecordSerial("SN-1"));
        kit.runCommand(new DeviceEntity.RecordSerial("SN-1")); // unchanged: no event, no copy
        assertEquals(java.util.List.of("1:pile-1:null:null", "2:pile-1:d1:null", "3:pile-1:d1:SN-1"), copies);
        kit.restart();
        assertEquals("3:pile-1:d1:SN-1", copies.get(copies.size() - 1));
        assertEquals(4, copies.size());
    }
}
