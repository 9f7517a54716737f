package io.chargeplane.control;

import io.chargeplane.control.station.StationAssignments;
import io.chargeplane.control.telemetry.TelemetryWriter;
import io.chargeplane.control.transaction.TransactionIdAllocator;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the entities of one node share: settings, the clock, id allocation, the telemetry and presence writers, and
 * the batches of charger assignments on their way to stations, and the tariffs that price sessions (null: sessions
 * are not priced).
 */
public record ControlServices(ControlSettings settings, Clock clock, TransactionIdAllocator transactionIds,
                              TelemetryWriter telemetry,
                              ActorRef<io.chargeplane.control.presence.PresenceWriter.Command> presence,
                              StationAssignments stations,
                              io.chargeplane.control.tariff.TariffResolver tariffs) {
}
