package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import io.chargeplane.simulator.TcpProxy;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures seen in other back offices, each reproduced with the simulator against a running server. */
class FailureModesTest {
    @TempDir
    Path dir;
    ChargePlaneNode node;
    Rest rest;
    final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    @BeforeEach
    void start() {
        node = TestNodes.start(TestNodes.h2(dir));
        rest = new Rest(node);
        rest.idTag("TAG", "Accepted");
        rest.pileWithDevice("p1", "CP1");
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private SimulatedCharger connect() {
        return SimulatedCharger.connect(TestNodes.ocpp(node), "CP1");
    }

    private JsonNode pile() {
        return rest.ok(rest.get("/api/chargers/p1/live"));
    }


    private static boolean hasAlert(JsonNode pile, String kind) {
        for (JsonNode a : pile.get("alerts")) {
            if (a.get("kind").asText().equals(kind)) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Rest.Reply> resetAsync() {
        return CompletableFuture.supplyAsync(() -> rest.post("/api/chargers/p1/reset", "{\"type\":\"Soft\"}"));
    }

    /** A StartTransaction sent as raw text (to break the schema on purpose); returns the server's frame. */
    private static JsonNode rawStart(SimulatedCharger cp, String messageId, int connector, String timestampAndMore)
            throws Exception {
        cp.sendRaw("[2,\"" + messageId + "\",\"StartTransaction\",{\"connectorId\":" + connector
                + ",\"idTag\":\"TAG\",\"meterStart\":10,\"timestamp\":" + timestampAndMore + "}]");
        return OcppJson.MAPPER.readTree(cp.nextRaw(Duration.ofSeconds(10)));
    }

    // ---- zombie connections ---------------------------------------------------------------------------

    @Test
    void aChargerWhoseConnectionWasResetReconnectsAtOnceAndCommandsReachTheNewSocket() throws Exception {
        try (TcpProxy proxy = new TcpProxy(node.edges().ocpp().address())) {
            SimulatedCharger old = SimulatedCharger.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/ocpp"), "CP1");
            old.boot("Acme", "AC22", "SN1");
            proxy.resetAll();
            try (SimulatedCharger fresh = connect()) {
                assertNotNull(fresh.heartbeat().currentTime(), "accepted at once, without a new BootNotification");
                Rest.Reply reply = resetAsync().get(20, TimeUnit.SECONDS);
                assertEquals("ANSWERED", reply.body().get("outcome").asText(), reply.body().toString());
                Frame.Call call = fresh.nextServerCall(Duration.ofSeconds(5));
                assertEquals("Reset", call.action());
            }
        }
    }

    @Test
    void aHalfOpenZombieSocketIsClosedByTheServerWhenTheChargerReconnects() throws Exception {
        try (TcpProxy proxy = new TcpProxy(node.edges().ocpp().address())) {
            SimulatedCharger old = SimulatedCharger.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/ocpp"), "CP1");
            old.boot("Acme", "AC22", "SN1");
            proxy.freezeAll(); // the server still holds an open socket that nobody reads
            try (SimulatedCharger fresh = connect()) {
                fresh.boot("Acme", "AC22", "SN1");
                for (int i = 0; i < 100 && !proxy.connections().get(0).serverClosed; i++) {
                    Thread.sleep(100);
                }
                assertTrue(proxy.connections().get(0).serverClosed, "the server closed the zombie socket");
                Rest.Reply reply = resetAsync().get(20, TimeUnit.SECONDS);
                assertEquals("ANSWERED", reply.body().get("outcome").asText(), reply.body().toString());
                assertEquals("Reset", fresh.nextServerCall(Duration.ofSeconds(5)).action());
            }
        }
    }

    // ---- duplicate sessions ---------------------------------------------------------------------------

    @Test
    void aStartTransactionRetriedWithANewMessageIdYieldsOneSessionAlsoAfterARestart() throws Exception {
        int tx;
        try (SimulatedCharger cp = connect()) {
            tx = cp.start(1, "TAG", 1_000, t0).transactionId();
            assertEquals(tx, cp.start(1, "TAG", 1_000, t0).transactionId());
        }
        node.close();
        node = TestNodes.start(TestNodes.h2(dir));
        rest = new Rest(node);
        try (SimulatedCharger cp = connect()) {
            assertEquals(tx, cp.start(1, "TAG", 1_000, t0).transactionId(), "same id after a restart");
        }
        assertEquals(1, pile().get("activeSessions").size());
    }

    @Test
    void aStopTransactionSentTwiceStopsOnceAndAReplayedStartDoesNotReopen() throws Exception {
        try (SimulatedCharger cp = connect()) {
            int tx = cp.start(1, "TAG", 1_000, t0).transactionId();
            cp.stop(tx, 1_800, t0.plusSeconds(600), "TAG");
            long rows = TestNodes.settledJournalRows(node);
            cp.stop(tx, 1_800, t0.plusSeconds(600), "TAG");
            assertEquals(rows, TestNodes.journalRows(node), "the second stop changes nothing");
            assertEquals(tx, cp.start(1, "TAG", 1_000, t0).transactionId(), "the replayed start gets its old id");
        }
        JsonNode p = pile();
        assertEquals(0, p.get("activeSessions").size());
        assertEquals(1, p.get("endedSessions").size());
        assertEquals(800, p.get("endedSessions").get(0).get("energyWh").asLong());
    }

    // ---- stale sessions -------------------------------------------------------------------------------

    @Test
    void aRebootClosesTheOpenSessionAtTheLastKnownReadingAndFlagsIt() throws Exception {
        try (SimulatedCharger cp = connect()) {
            int tx = cp.start(1, "TAG", 5_000, t0).transactionId();
            cp.meterValues(1, tx, t0.plusSeconds(60), 5_700, 7_000);
            cp.boot("Acme", "AC22", "SN1");
            JsonNode p = pile();
            assertEquals(0, p.get("activeSessions").size());
            JsonNode ended = p.get("endedSessions").get(0);
            assertEquals("REBOOT", ended.get("endedBy").asText());
            assertEquals(5_700, ended.get("meterStop").asLong());
            assertEquals(700, ended.get("energyWh").asLong());
            assertTrue(hasAlert(p, "SESSION_ENDED_BY_REBOOT"));
            // the charger's own StopTransaction arriving later corrects the figures
            cp.stop(tx, 5_750, t0.plusSeconds(90), null);
            JsonNode corrected = pile().get("endedSessions").get(0);
            assertEquals("CHARGER", corrected.get("endedBy").asText());
            assertEquals(750, corrected.get("energyWh").asLong());
        }
    }

    @Test
    void aNewSessionOnABusyConnectorSupersedesTheOldOne() throws Exception {
        try (SimulatedCharger cp = connect()) {
            int first = cp.start(1, "TAG", 100, t0).transactionId();
            int second = cp.start(1, "TAG", 300, t0.plusSeconds(60)).transactionId();
            assertTrue(second != first);
        }
        JsonNode p = pile();
        assertEquals(1, p.get("activeSessions").size());
        JsonNode old = p.get("endedSessions").get(0);
        assertEquals("SUPERSEDED", old.get("endedBy").asText());
        assertTrue(hasAlert(p, "SESSION_ENDED_BY_SUPERSEDED"));
    }

    // ---- endless retries ------------------------------------------------------------------------------

    @Test
    void aStopForAnUnknownTransactionIsAnsweredNormallyAndRecorded() {
        try (SimulatedCharger cp = connect()) {
            var answer = cp.stop(987_654, 42_000, t0, "TAG");
            assertEquals(DataTypes.AuthorizationStatus.ACCEPTED, answer.idTagInfo().status());
        }
        JsonNode p = pile();
        assertEquals(987_654, p.get("unknownStops").get(0).get("transactionId").asInt());
        assertTrue(hasAlert(p, "UNKNOWN_TRANSACTION_STOPPED"));
    }

    // ---- offline meter data ---------------------------------------------------------------------------

    @Test
    void lateReadingsArePlacedByTheirTimestamps() {
        try (SimulatedCharger cp = connect()) {
            int tx = cp.start(1, "TAG", 1_000, t0).transactionId();
            cp.meterValues(1, tx, t0.plusSeconds(300), 1_900, 7_000);
            cp.meterValues(1, tx, t0.plusSeconds(100), 1_300, 7_000); // buffered while offline, sent late
            cp.meterValues(1, tx, t0.plusSeconds(200), 1_600, 7_000);
        }
        JsonNode samples = rest.ok(rest.get("/api/chargers/p1/meter-samples"));
        long previous = 0;
        int energy = 0;
        for (JsonNode s : samples) {
            if (s.get("measurand").asText().equals("Energy.Active.Import.Register")) {
                assertTrue(s.get("number").asLong() > previous, "ordered by sample time: " + samples);
                previous = s.get("number").asLong();
                energy++;
            }
        }
        assertEquals(3, energy);
        JsonNode latest = pile().get("latestMeterValues").get("1");
        for (JsonNode r : latest) {
            if (r.get("measurand").asText().equals("Energy.Active.Import.Register")) {
                assertEquals("1900", r.get("value").asText(), "the newest reading by timestamp stays the latest");
            }
        }
        assertEquals(1_900, pile().get("activeSessions").get(0).get("lastMeterWh").asLong());
    }

    @Test
    void aStartReadingOfZeroAfterALostRegisterIsFlaggedAndNotBilledAsTheWholeRegister() {
        try (SimulatedCharger cp = connect()) {
            int first = cp.start(1, "TAG", 50_000, t0).transactionId();
            cp.stop(first, 60_000, t0.plusSeconds(600), "TAG");
            int second = cp.start(1, "TAG", 0, t0.plusSeconds(900)).transactionId();
            cp.stop(second, 60_400, t0.plusSeconds(1200), "TAG");
        }
        JsonNode p = pile();
        assertTrue(hasAlert(p, "START_READING_ZERO"));
        JsonNode last = p.get("endedSessions").get(1);
        assertEquals(400, last.get("energyWh").asLong());
    }

    // ---- time -----------------------------------------------------------------------------------------

    @Test
    void timestampsAreStoredInUtcAnOffsetlessOneIsReadAsUtcAndAFastClockIsFlagged() throws Exception {
        try (SimulatedCharger cp = connect()) {
            JsonNode answer = rawStart(cp, "s1", 1, "\"2026-03-01T10:00:00\"");
            assertEquals(3, answer.get(0).asInt(), "billing data is never refused for a missing offset: " + answer);
            assertEquals(3, rawStart(cp, "s2", 2, "\"2026-03-01T12:00:00+02:00\"").get(0).asInt());
            cp.status(2, DataTypes.ChargePointStatus.CHARGING);
            cp.start(3, "TAG", 10, Instant.now().plus(Duration.ofHours(2)));
        }
        JsonNode p = pile();
        for (JsonNode s : p.get("activeSessions")) {
            if (s.get("connectorId").asInt() == 1 || s.get("connectorId").asInt() == 2) {
                assertEquals("2026-03-01T10:00:00Z", s.get("startedAt").asText());
            }
        }
        assertTrue(hasAlert(p, "TIMESTAMP_WITHOUT_OFFSET"));
        assertTrue(hasAlert(p, "CLOCK_SKEW"));
    }

    @Test
    void anExtraFieldInABillingMessageIsAcceptedStoredAndRecorded() throws Exception {
        try (SimulatedCharger cp = connect()) {
            JsonNode answer = rawStart(cp, "s1", 1, "\"2026-03-01T10:00:00Z\",\"vendorCustom\":{\"a\":1}");
            assertEquals(3, answer.get(0).asInt(), answer.toString());
            assertTrue(answer.get(2).get("transactionId").asInt() > 0);
        }
        assertTrue(hasAlert(pile(), "SCHEMA_VIOLATION_TOLERATED"));
    }

    // ---- the journal budget and the command queue -----------------------------------------------------

    @Test
    void heartbeatsAndRepeatedIdenticalStatusesDoNotTouchTheJournal() throws Exception {
        try (SimulatedCharger cp = connect()) {
            cp.boot("Acme", "AC22", "SN1");
            cp.status(1, DataTypes.ChargePointStatus.AVAILABLE);
            long rows = TestNodes.settledJournalRows(node);
            cp.heartbeat();
            cp.status(1, DataTypes.ChargePointStatus.AVAILABLE);
            cp.boot("Acme", "AC22", "SN1");
            assertEquals(rows, TestNodes.journalRows(node));
            cp.status(1, DataTypes.ChargePointStatus.PREPARING);
            assertEquals(rows + 1, TestNodes.journalRows(node));
        }
    }

    @Test
    void aCommandTheChargerNeverAnswersFailsWithItsReasonAfterTheTimeout() {
        try (SimulatedCharger cp = connect()) {
            cp.onCall("Reset", payload -> null); // swallow the call
            JsonNode result = rest.ok(rest.post("/api/chargers/p1/reset", "{\"type\":\"Hard\"}"));
            assertEquals("FAILED", result.get("outcome").asText());
            assertTrue(result.get("reason").asText().startsWith("timeout"), result.toString());
        }
        assertEquals("FAILED", pile().get("recentCommands").get(0).get("outcome").asText());
    }

    @Test
    void remoteStartAndStopReturnTheChargersAnswer() {
        try (SimulatedCharger cp = connect()) {
            cp.onCall("RemoteStartTransaction", p -> java.util.Map.of("status", "Rejected"));
            // an answered call goes through the pile after its connection: from here on the pile knows the charger
            // is there (a command sent before that is queued until it is, and answers 202)
            cp.heartbeat();
            JsonNode start = rest.ok(rest.post("/api/chargers/p1/remote-start", "{\"idTag\":\"TAG\",\"connectorId\":1}"));
            assertEquals("ANSWERED", start.get("outcome").asText());
            assertEquals("{\"status\":\"Rejected\"}", start.get("responseJson").asText());
            JsonNode stop = rest.ok(rest.post("/api/chargers/p1/remote-stop", "{\"transactionId\":5}"));
            assertEquals("{\"status\":\"Accepted\"}", stop.get("responseJson").asText());
            assertEquals("RemoteStartTransaction", cp.nextServerCall(Duration.ofSeconds(1)).action());
            Frame.Call remoteStop = cp.nextServerCall(Duration.ofSeconds(1));
            assertEquals("RemoteStopTransaction", remoteStop.action());
            assertEquals(5, remoteStop.payload().get("transactionId").asInt());
        }
    }

    @Test
    void underOverloadACallThatWaitedTooLongIsAnsweredAtOnceInsteadOfProcessedLate(@TempDir Path other)
            throws Exception {
        try (ChargePlaneNode overloaded = TestNodes.start(TestNodes.h2(other),
                java.util.Map.of("chargeplane.ocpp.shed-calls-waiting-longer-than", "1ms"))) {
            new Rest(overloaded).pileWithDevice("p1", "CP1");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(overloaded), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                // three calls at once: the later ones wait in the session's queue while the first is persisted
                for (int i = 0; i < 3; i++) {
                    cp.sendRaw("[2,\"burst-" + i + "\",\"StatusNotification\",{\"connectorId\":" + (i + 1)
                            + ",\"errorCode\":\"NoError\",\"status\":\"Available\"}]");
                }
                int shed = 0;
                for (int i = 0; i < 3; i++) {
                    JsonNode answer = OcppJson.MAPPER.readTree(cp.nextRaw(Duration.ofSeconds(10)));
                    if (answer.get(0).asInt() == 4) {
                        assertEquals("InternalError", answer.get(2).asText());
                        shed++;
                    }
                }
                assertTrue(shed >= 1, "a call that waited longer than the limit is shed");
                assertNotNull(cp.heartbeat().currentTime(), "the session goes on");
            }
        }
    }

    @Test
    void aCallThePileCannotAnswerInTimeIsAnsweredInternalErrorNotBeforeItsOwnTimeoutAndTheSessionGoesOn(
            @TempDir Path other) throws Exception {
        TestNodes.Db db = TestNodes.h2(other);
        try (ChargePlaneNode slow = TestNodes.start(db, java.util.Map.of("chargeplane.ocpp.entity-ask-timeout", "1s"))) {
            new Rest(slow).pileWithDevice("p1", "CP1");
            try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(slow), "CP1")) {
                cp.boot("Acme", "AC22", "SN1");
                cp.status(1, DataTypes.ChargePointStatus.AVAILABLE); // answered in time; the session's watch is armed
                Thread.sleep(500);
                try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                     Statement st = c.createStatement()) {
                    st.execute("SET EXCLUSIVE 1"); // the node's connections wait: the pile cannot persist
                    for (String status : new String[] {"Preparing", "Charging"}) {
                        long sent = System.nanoTime();
                        cp.sendRaw("[2,\"stuck-" + status + "\",\"StatusNotification\",{\"connectorId\":1,"
                                + "\"errorCode\":\"NoError\",\"status\":\"" + status + "\"}]");
                        JsonNode answer = OcppJson.MAPPER.readTree(cp.nextRaw(Duration.ofSeconds(10)));
                        long waited = System.nanoTime() - sent;
                        assertEquals(4, answer.get(0).asInt(), answer.toString());
                        assertEquals("stuck-" + status, answer.get(1).asText());
                        assertEquals("InternalError", answer.get(2).asText());
                        assertTrue(waited >= TimeUnit.SECONDS.toNanos(1),
                                "timed out after " + waited / 1_000_000 + " ms, before the call's own 1 s");
                    }
                    st.execute("SET EXCLUSIVE 0");
                }
                assertNotNull(cp.heartbeat().currentTime(), "the session goes on");
                cp.status(1, DataTypes.ChargePointStatus.FINISHING); // answered: the late answers were dropped
            }
        }
    }

    @Test
    void onShutdownChargerSocketsAreClosedWith1001() throws Exception {
        SimulatedCharger cp = connect();
        cp.heartbeat();
        node.close();
        node = null;
        assertEquals(1001, cp.closed().get(10, TimeUnit.SECONDS));
    }
}
