package io.chargeplane.control.charger.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chargeplane.control.Origin;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ConnectorType;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.charger.PileState;
import io.chargeplane.control.review.SaveMode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registration rules on hand-written states: what a save, approval or rejection writes, or why it is refused. */
class RegistrationRulesTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final Origin ALICE = new Origin("alice", "127.0.0.1");
    private static final Origin BOB = new Origin("bob", "127.0.0.1");

    private static ChargerDetails details(String number, String station, String device) {
        return new ChargerDetails(number, station, "Model X", 22,
                List.of(new ChargerDetails.Connector(1, ConnectorType.values()[0], 22)), device);
    }

    private static PileCommand.SaveDetails save(boolean create, ChargerDetails d, SaveMode mode, Origin by) {
        return new PileCommand.SaveDetails(create, d, mode, null, by, T0, null);
    }

    private static PileState apply(PileState s, List<PileEvent> events) {
        for (PileEvent e : events) {
            s = s.apply(e);
        }
        return s;
    }

    private static PileState live(ChargerDetails d) {
        return apply(PileState.empty(), RegistrationRules.save(PileState.empty(), "p1",
                save(true, d, SaveMode.DIRECT, ALICE), "c0").events());
    }

    @Test
    void aDirectCreateWritesTheCreationAndTheAppliedChange() {
        var d = RegistrationRules.save(PileState.empty(), "p1", save(true, details("CN-1", "ST-1", "CP-1"),
                SaveMode.DIRECT, ALICE), "c1");
        assertNull(d.rejection());
        assertInstanceOf(PileEvent.PileCreated.class, d.events().get(0));
        assertInstanceOf(PileEvent.ChargerChangeApplied.class, d.events().get(1));
    }

    @Test
    void creatingAPileThatExistsIsAConflictOnItsId() {
        var d = RegistrationRules.save(live(details("CN-1", "ST-1", null)), "p1",
                save(true, details("CN-1", "ST-1", null), SaveMode.DIRECT, ALICE), "c1");
        assertEquals(io.chargeplane.control.Result.Reason.CONFLICT, d.rejection().reason());
        assertEquals("pileId", d.rejection().field());
    }

    @Test
    void nobodyApprovesTheirOwnChange() {
        PileState s = live(details("CN-1", "ST-1", null));
        s = apply(s, RegistrationRules.save(s, "p1", save(false, details("CN-1", "ST-2", null), SaveMode.REVIEW, ALICE),
                "c1").events());
        assertEquals(io.chargeplane.control.Result.Reason.FORBIDDEN, RegistrationRules.approve(s, "p1", "c1", ALICE, T0).rejection().reason());
        assertNull(RegistrationRules.approve(s, "p1", "c1", BOB, T0).rejection());
    }

    @Test
    void aChargerInASessionCannotMoveToAnotherStation() {
        PileState s = live(details("CN-1", "ST-1", "CP-1"))
                .apply(new PileEvent.SessionStarted(7, 1, "TAG", "Accepted", 0, T0, T0, null));
        var d = RegistrationRules.save(s, "p1", save(false, details("CN-1", "ST-2", "CP-1"), SaveMode.DIRECT, ALICE),
                "c1");
        assertEquals("stationId", d.rejection().field());
        assertEquals(io.chargeplane.control.Result.Reason.CONFLICT, d.rejection().reason());
    }

    @Test
    void aPendingChangeHoldsItsNumberAndDeviceBesideTheLiveOnes() {
        PileState s = live(details("CN-1", "ST-1", "CP-1"));
        s = apply(s, RegistrationRules.save(s, "p1", save(false, details("CN-2", "ST-1", "CP-2"), SaveMode.REVIEW, ALICE),
                "c1").events());
        assertEquals(Set.of("CN-1", "CN-2"), RegistrationRules.heldNumbers(s));
        assertEquals(Set.of("CP-1", "CP-2"), RegistrationRules.heldIdentities(s));
    }
}
