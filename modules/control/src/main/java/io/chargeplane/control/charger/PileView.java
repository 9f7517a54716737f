package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What an operator sees of a pile: its persisted state plus the live facts the entity holds in memory. */
public record PileView(String pileId, String chargerNumber, String identity, boolean connected, Instant lastSeen,
                       String remoteAddress, PileState.BootInfo boot, Collection<PileState.Connector> connectors,
                       Collection<ChargingSession> activeSessions, List<ChargingSession> endedSessions,
                       Map<Integer, List<LatestReading>> latestMeterValues, List<PileState.Alert> alerts,
                       List<PileEvent.UnknownStopRecorded> unknownStops, String firmwareStatus,
                       String diagnosticsStatus, Collection<CommandResult> pendingCommands,
                       List<CommandResult> recentCommands) implements CborSerializable {

    /** The newest value of one measurand (and phase) on one connector, by the charger's timestamp. */
    public record LatestReading(String measurand, String phase, String unit, String value, Instant sampledAt) {
    }
}
