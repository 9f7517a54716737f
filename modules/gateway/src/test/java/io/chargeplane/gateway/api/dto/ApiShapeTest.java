package io.chargeplane.gateway.api.dto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerRecord;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.control.charger.ChargingSession;
import io.chargeplane.control.charger.CommandResult;
import io.chargeplane.control.charger.ConnectorType;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.charger.PileState;
import io.chargeplane.control.charger.PileView;
import io.chargeplane.control.review.Decision;
import io.chargeplane.gateway.api.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API's records, apart from the entities' views, answer exactly what the views answered when they were sent
 * as they were: separating them changed no field a client reads.
 */
class ApiShapeTest {
    private static final Instant T = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void theLiveStateOfAChargerKeepsEveryField() {
        ChargingSession open = new ChargingSession(7, 1, "TAG", "Accepted", 100, T, 400L, T, null, null, null, null,
                null, 50L);
        ChargingSession ended = new ChargingSession(6, 2, "TAG", "Accepted", 0, T, null, null, 900L, T, "Local", 900L,
                "CHARGER", null);
        CommandResult done = new CommandResult("c1", "Reset", CommandResult.ANSWERED, "{\"status\":\"Accepted\"}",
                null, T, T, CommandResult.CONFIRMED, "Accepted", "the charger booted again", null, T, T, T, null);
        PileView view = new PileView("p1", "CN-1", "CP-1", true, T, "10.0.0.1",
                new PileState.BootInfo("Acme", "AC22", "SN-1", "1.0", T),
                List.of(new PileState.Connector(1, "Charging", "NoError", "info", "v-1", T, T)), List.of(open),
                List.of(ended), Map.of(1, List.of(new PileView.LatestReading("Energy.Active.Import.Register", null,
                        "Wh", "400", T))), List.of(new PileState.Alert("CLOCK_SKEW", "ahead", 7, T)),
                List.of(new PileEvent.UnknownStopRecorded(99, 10, T, "Local", "TAG", T)), "Installed", "Uploaded",
                List.of(new CommandResult("c2", "Unlock", CommandResult.PENDING, null, null, T, null, CommandResult.QUEUED,
                        null, null, null, null, null, T, null)), List.of(done));
        // the operation a command carries is the pile's (to send it again after a restart); the API shows its action
        com.fasterxml.jackson.databind.node.ObjectNode viewJson = Json.MAPPER.valueToTree(view);
        viewJson.withArray("pendingCommands").forEach(c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c).remove("operation"));
        viewJson.withArray("recentCommands").forEach(c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c).remove("operation"));
        // a session's billing readings are the pile's (what its cost is computed from); the API shows the cost
        for (String list : new String[] {"activeSessions", "endedSessions"}) {
            viewJson.withArray(list).forEach(c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c)
                    .remove(List.of("readings", "billedFrom")));
        }
        assertEquals(viewJson, Json.MAPPER.valueToTree(ChargerLive.of(view)));
        var doneJson = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.valueToTree(done);
        doneJson.remove("operation");
        assertEquals(doneJson, Json.MAPPER.valueToTree(CommandOutcome.of(done)));
    }

    @Test
    void aChargersRegistrationKeepsEveryField() {
        ChargerDetails details = new ChargerDetails("CN-1", "ST-1", "Model", 22,
                List.of(new ChargerDetails.Connector(1, ConnectorType.values()[0], 22)), "CP-1");
        ChargerView view = new ChargerView("p1", "CN-1", "CP-1", ChargerRecord.Status.ACTIVE, details, null,
                new ChargerRecord.PendingChargerChange("ch-1", details, "alice", T),
                new Decision("ch-0", true, "fine", "bob", T), true, false, 4);
        assertEquals(Json.MAPPER.valueToTree(view), Json.MAPPER.valueToTree(ChargerRegistration.of(view)));
    }
}
