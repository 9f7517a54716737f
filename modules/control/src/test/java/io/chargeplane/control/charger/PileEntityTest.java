package io.chargeplane.control.charger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.ControlServices;
import io.chargeplane.control.ControlSettings;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.telemetry.TelemetryStore;
import io.chargeplane.control.telemetry.TelemetryWriter;
import io.chargeplane.control.transaction.TransactionIdAllocator;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.OcppRequest;
import io.chargeplane.ocpp.v16.Core;
import io.chargeplane.ocpp.v16.DataTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Pile entity with the persistence testkit: which calls write which events (and which write none), and
 * what survives a restart. The testkit also checks that every command, event and state serialises.
 */
class PileEntityTest {
    private static final Config CONFIG = EventSourcedBehaviorTestKit.config()
            .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
            .withFallback(ConfigFactory.load());
    private static final ActorTestKit KIT = ActorTestKit.create(CONFIG);
    private static final Database DB = Database.open(ConfigFactory.parseMap(Map.of(
            "chargeplane.db.url", "jdbc:h2:mem:pile-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "chargeplane.db.user", "sa", "chargeplane.db.password", "", "chargeplane.db.app-pool-size", 2)));

    private EventSourcedBehaviorTestKit<PileCommand, PileEvent, PileState> kit;
    private TestProbe<SessionMessage> session;
    private String pileId;
    private final Instant t0 = Instant.parse("2026-06-01T10:00:00Z");

    @BeforeEach
    void setUp() {
        var settings = ControlSettings.from(CONFIG);
        var blocking = Executors.newFixedThreadPool(2);
        var writer = new TelemetryWriter(new TelemetryStore(DB), blocking, 100, 1, nanos -> { });
        var presence = KIT.spawn(io.chargeplane.control.presence.PresenceWriter.create(DB, blocking, java.time.Duration.ofSeconds(1)));
        var services = new ControlServices(settings, Clock.systemUTC(), new TransactionIdAllocator(DB, blocking), writer,
                presence, new io.chargeplane.control.station.StationAssignments(KIT.system(), java.time.Duration.ofSeconds(10)));
        TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();
        pileId = "pile-" + UUID.randomUUID();
        kit = EventSourcedBehaviorTestKit.create(KIT.system(), PileEntity.create(pileId, shard.getRef(), services));
        session = KIT.createTestProbe();
        // a pile as the journal holds one: created and bound (registration events would ask the station, which
        // this kit has no cluster for)
        kit.persistenceTestKit().persistForRecovery("Pile|" + pileId, List.of(
                new PileEvent.PileCreated(pileId, "CN-1", t0), new PileEvent.DeviceAttached("CP-1", t0)));
        kit.restart();
        connect();
    }

    /** The socket attaches; the pile answers with its own ref for direct calls. */
    private void connect() {
        kit.runCommand(new PileCommand.Connected("CP-1", session.getRef(), "127.0.0.1"));
        session.expectMessageClass(SessionMessage.PileAttached.class);
    }

    @AfterAll
    static void tearDown() {
        KIT.shutdownTestKit();
        DB.close();
    }

    private JsonNode answer(OcppRequest request) {
        TestProbe<OcppAnswer> replies = KIT.createTestProbe();
        kit.runCommand(new PileCommand.FromCharger("CP-1", UUID.randomUUID().toString(), request, List.of(), 
                new DataTypes.IdTagInfo(DataTypes.AuthorizationStatus.ACCEPTED, null, null), Instant.now(),
                session.getRef(), replies.getRef()));
        try {
            JsonNode frame = OcppJson.MAPPER.readTree(replies.receiveMessage(Duration.ofSeconds(10)).frame());
            assertEquals(3, frame.get(0).asInt(), frame.toString());
            return frame.get(2);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private Core.StartTransactionRequest start(int connector, int meterStart) {
        return new Core.StartTransactionRequest(connector, "TAG", meterStart, null, t0, null);
    }

    @Test
    void aRepeatedIdenticalStatusWritesNoEvent() {
        var available = new Core.StatusNotificationRequest(1, DataTypes.ChargePointErrorCode.NO_ERROR, null,
                DataTypes.ChargePointStatus.AVAILABLE, null, null, null);
        answer(available);
        long written = countEvents();
        assertEquals(3, written, "created, device attached, status changed");
        answer(available);
        assertEquals(written, countEvents());
        assertEquals("Available", kit.getState().connectors().get(1).status());
    }

    @Test
    void aRetriedStartTransactionGetsTheSameIdAndSurvivesARestart() {
        int tx = answer(start(1, 100)).get("transactionId").asInt();
        assertEquals(tx, answer(start(1, 100)).get("transactionId").asInt());
        kit.restart();
        connect();
        assertEquals(tx, answer(start(1, 100)).get("transactionId").asInt());
        assertEquals(1, kit.getState().sessions().size());
    }

    @Test
    void aStopEndsTheSessionOnceWithItsEnergy() {
        int tx = answer(start(1, 100)).get("transactionId").asInt();
        var stop = new Core.StopTransactionRequest(null, 350, t0.plusSeconds(60), tx, null, null);
        answer(stop);
        long written = countEvents();
        answer(stop);
        assertEquals(written, countEvents());
        ChargingSession ended = kit.getState().endedSession(tx);
        assertEquals(250, ended.energyWh());
        assertEquals("CHARGER", ended.endedBy());
    }

    @Test
    void aStopBelowTheStartReadingIsZeroWhAndAMeterAnomaly() {
        int tx = answer(start(1, 5_000)).get("transactionId").asInt();
        answer(new Core.StopTransactionRequest(null, 4_200, t0.plusSeconds(60), tx, null, null));
        assertEquals(0, kit.getState().endedSession(tx).energyWh());
        assertTrue(kit.getState().alerts().stream().anyMatch(a -> a.kind().equals("METER_ANOMALY")
                && a.transactionId() == tx), kit.getState().alerts().toString());
    }

    @Test
    void aChargerClockAheadIsReportedOnceAnHourNotOnEveryMeterValues() {
        int tx = answer(start(1, 0)).get("transactionId").asInt();
        Instant ahead = Instant.now().plus(Duration.ofDays(3650));
        for (int i = 0; i < 5; i++) {
            answer(new Core.MeterValuesRequest(1, tx, List.of(new DataTypes.MeterValue(ahead.plusSeconds(i), List.of(
                    new DataTypes.SampledValue(String.valueOf(100 * i), null, null, null, null, null, null))))));
        }
        assertEquals(1, kit.getState().alerts().stream().filter(a -> a.kind().equals("CLOCK_SKEW")).count());
    }

    @Test
    void aCommandIsSentToTheSessionAndItsAnswerCompletesIt() {
        TestProbe<io.chargeplane.control.Result<CommandResult>> operator = KIT.createTestProbe();
        kit.runCommand(new PileCommand.SubmitCommand("Reset", "{\"type\":\"Soft\"}", null, operator.getRef()));
        SessionMessage.SendCall call = assertInstanceOf(SessionMessage.SendCall.class,
                session.receiveMessage(Duration.ofSeconds(5)));
        assertEquals("Reset", call.action());
        kit.runCommand(new PileCommand.ChargerAnswered(call.messageId(), "{\"status\":\"Accepted\"}", null, null,
                Instant.now()));
        CommandResult result = operator.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals(CommandResult.ANSWERED, result.outcome());
        assertTrue(kit.getState().openCommands().isEmpty());
    }

    @Test
    void anInvalidAnswerFromTheChargerFailsTheCommandWithItsReason() {
        TestProbe<io.chargeplane.control.Result<CommandResult>> operator = KIT.createTestProbe();
        kit.runCommand(new PileCommand.SubmitCommand("Reset", "{\"type\":\"Soft\"}", null, operator.getRef()));
        var call = (SessionMessage.SendCall) session.receiveMessage(Duration.ofSeconds(5));
        kit.runCommand(new PileCommand.ChargerAnswered(call.messageId(), "{\"status\":\"Maybe\"}", null, null,
                Instant.now()));
        CommandResult result = operator.receiveMessage(Duration.ofSeconds(5)).value();
        assertEquals(CommandResult.FAILED, result.outcome());
        assertTrue(result.reason().startsWith("invalid answer"), result.reason());
    }

    @Test
    void aCallFromAnIdentityThatIsNotThePilesDeviceIsASecurityError() throws Exception {
        TestProbe<OcppAnswer> replies = KIT.createTestProbe();
        kit.runCommand(new PileCommand.FromCharger("SOMEONE-ELSE", "m1", new Core.HeartbeatRequest(), List.of(), null,
                Instant.now(), session.getRef(), replies.getRef()));
        JsonNode frame = OcppJson.MAPPER.readTree(replies.receiveMessage().frame());
        assertEquals("SecurityError", frame.get(2).asText());
    }

    private long countEvents() {
        return org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(KIT.system())
                .persistedInStorage("Pile|" + pileId).size();
    }
}
