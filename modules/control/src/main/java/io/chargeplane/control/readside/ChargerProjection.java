package io.chargeplane.control.readside;

import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.PileEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Charger registration events (the pile's tagged events: created, device attached, details drafted / submitted /
 * applied / rejected) into {@code charger_list}, {@code review_queue} and {@code audit_log}. A charger's traffic
 * (statuses, sessions) is not tagged and never reaches this projection.
 */
final class ChargerProjection extends JdbcHandler<EventEnvelope<PileEvent>, DataSourceSession> {
    static final String TAG = "charger";

    @Override
    public void process(DataSourceSession session, EventEnvelope<PileEvent> envelope) throws Exception {
        String id = envelope.persistenceId().substring(PileEntity.ENTITY_KEY.name().length() + 1);
        long seq = envelope.sequenceNr();
        session.withConnection(c -> {
            apply(c, id, seq, envelope.event());
            return null;
        });
    }

    private static void apply(Connection c, String id, long seq, PileEvent event) throws SQLException {
        if (event instanceof PileEvent.PileCreated e) {
            if (Rows.update(c, "UPDATE charger_list SET charger_number = ?, version = ?, updated_at = ? "
                    + "WHERE pile_id = ?", e.chargerNumber(), seq, e.at(), id) == 0) {
                Rows.update(c, "INSERT INTO charger_list (pile_id, charger_number, version, updated_at) "
                        + "VALUES (?, ?, ?, ?)", id, e.chargerNumber(), seq, e.at());
            }
        } else if (event instanceof PileEvent.DeviceAttached e) {
            Rows.update(c, "UPDATE charger_list SET identity = ?, version = ?, updated_at = ? WHERE pile_id = ?",
                    e.identity(), seq, e.at(), id);
        } else if (event instanceof PileEvent.CommandAccepted e) {
            Audit.write(c, "charger", id, seq, "charger.command." + e.action(),
                    e.origin() != null ? e.origin() : io.chargeplane.control.Origin.system("unknown"), e.at(), null,
                    java.util.Map.of("commandId", e.commandId(), "payload", e.payloadJson()));
        } else if (event instanceof PileEvent.ChargerDraftSaved e) {
            details(c, id, e.details(), "DRAFT", null, seq, e.at());
            Audit.write(c, "charger", id, seq, "charger.draft-saved", e.origin(), e.at(), null, e.details());
        } else if (event instanceof PileEvent.ChargerChangeSubmitted e) {
            String status = status(c, id);
            if ("ACTIVE".equals(status)) {
                Rows.update(c, "UPDATE charger_list SET pending_change = ?, version = ?, updated_at = ? "
                        + "WHERE pile_id = ?", e.changeId(), seq, e.at(), id);
            } else {
                details(c, id, e.details(), "PENDING_REVIEW", e.changeId(), seq, e.at());
            }
            Rows.queueReview(c, "charger", id, e.changeId(), e.origin().by(), e.at());
            Audit.write(c, "charger", id, seq, "charger.change-submitted", e.origin(), e.at(), null,
                    Map.of("changeId", e.changeId(), "proposed", e.details()));
        } else if (event instanceof PileEvent.ChargerChangeApplied e) {
            details(c, id, e.after(), "ACTIVE", null, seq, e.at());
            if (e.after().deviceIdentity() != null) {
                Rows.update(c, "UPDATE charger_list SET identity = ? WHERE pile_id = ?",
                        e.after().deviceIdentity(), id);
            }
            Rows.unqueueReview(c, "charger", id);
            Audit.write(c, "charger", id, seq, e.changeId() == null ? "charger.changed" : "charger.change-approved",
                    e.origin(), e.at(), e.before(), e.after());
        } else if (event instanceof PileEvent.ChargerChangeRejected e) {
            String status = status(c, id);
            Rows.update(c, "UPDATE charger_list SET status = ?, pending_change = NULL, version = ?, "
                    + "updated_at = ? WHERE pile_id = ?", "PENDING_REVIEW".equals(status) ? "REJECTED" : status, seq, e.at(), id);
            Rows.unqueueReview(c, "charger", id);
            Audit.write(c, "charger", id, seq, "charger.change-rejected", e.origin(), e.at(), null,
                    Map.of("changeId", e.changeId(), "comment", e.comment()));
        }
    }

    private static String status(Connection c, String id) throws SQLException {
        try (var s = c.prepareStatement("SELECT status FROM charger_list WHERE pile_id = ?")) {
            s.setString(1, id);
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void details(Connection c, String id, ChargerDetails d, String status, String pending, long seq,
                                Instant at) throws SQLException {
        String types = d.connectors().stream().map(x -> x.type().label()).distinct().collect(Collectors.joining(","));
        int n = Rows.update(c, "UPDATE charger_list SET charger_number = ?, station_id = ?, model = ?, "
                        + "status = ?, max_power_kw = ?, connector_count = ?, connector_types = ?, pending_change = ?, "
                        + "version = ?, updated_at = ? WHERE pile_id = ?", d.chargerNumber(), d.stationId(), d.model(),
                status, d.maxPowerKw(), d.connectors().size(), types, pending, seq, at, id);
        if (n == 0) {
            Rows.update(c, "INSERT INTO charger_list (charger_number, station_id, model, status, max_power_kw, "
                            + "connector_count, connector_types, pending_change, version, updated_at, pile_id) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", d.chargerNumber(), d.stationId(), d.model(),
                    status, d.maxPowerKw(), d.connectors().size(), types, pending, seq, at, id);
        }
    }
}
