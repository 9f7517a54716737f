package io.chargeplane.control.readside;

import io.chargeplane.control.ControlJson;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.pricing.Bill;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * A pile's session events into {@code charging_order}: a row when a session starts, its end figures when it ends
 * (corrected by a late stop), its cost when it is priced (a second bill is a re-rating: it replaces the cost and
 * counts up {@code rated_count}; the journal keeps every one). The station is the charger's in the charger list at
 * the start.
 */
final class OrderProjection extends JdbcHandler<EventEnvelope<PileEvent>, DataSourceSession> {
    static final String TAG = PileEntity.ORDER_TAG;

    @Override
    public void process(DataSourceSession session, EventEnvelope<PileEvent> envelope) throws Exception {
        String pileId = envelope.persistenceId().substring(PileEntity.ENTITY_KEY.name().length() + 1);
        PileEvent event = envelope.event();
        session.withConnection(c -> {
            apply(c, pileId, event);
            return null;
        });
    }

    private static void apply(Connection c, String pileId, PileEvent event) throws SQLException {
        if (event instanceof PileEvent.SessionStarted e) {
            if (Rows.update(c, "UPDATE charging_order SET updated_at = ? WHERE pile_id = ? AND transaction_id = ?",
                    e.receivedAt(), pileId, e.transactionId()) == 0) {
                Rows.update(c, "INSERT INTO charging_order (pile_id, transaction_id, station_id, connector_id, id_tag, "
                                + "status, started_at, meter_start, updated_at) VALUES (?, ?, ?, ?, ?, 'CHARGING', ?, ?, ?)",
                        pileId, e.transactionId(), stationOf(c, pileId), e.connectorId(), e.idTag(), e.startedAt(),
                        e.meterStart(), e.receivedAt());
            }
        } else if (event instanceof PileEvent.SessionEnded e) {
            Rows.update(c, "UPDATE charging_order SET status = 'ENDED', stopped_at = ?, meter_stop = ?, energy_wh = ?, "
                            + "stop_reason = ?, ended_by = ?, updated_at = ? WHERE pile_id = ? AND transaction_id = ?",
                    e.stoppedAt(), e.meterStop(), e.energyWh(), e.reason(), e.endedBy(), e.receivedAt(), pileId,
                    e.transactionId());
        } else if (event instanceof PileEvent.SessionPriced e) {
            Bill b = e.price().bill();
            Rows.update(c, "UPDATE charging_order SET tariff_scope = ?, tariff_version = ?, currency = ?, "
                            + "electricity = ?, service = ?, idle = ?, total = ?, bill_json = ?, flags = ?, "
                            + "rated_count = rated_count + 1, updated_at = ? WHERE pile_id = ? AND transaction_id = ?",
                    e.price().scope(), e.price().tariffVersion(), b == null ? null : b.currency().getCurrencyCode(),
                    b == null ? null : b.electricity(), b == null ? null : b.service(), b == null ? null : b.idle(),
                    b == null ? null : b.total(), b == null ? null : json(b), flags(b, e.price().note()), e.at(),
                    pileId, e.transactionId());
        }
    }

    private static String flags(Bill b, String note) {
        String f = b == null || b.flags().isEmpty() ? null : String.join("; ", b.flags());
        String all = note == null ? f : f == null ? note : note + "; " + f;
        return all == null || all.length() <= 1000 ? all : all.substring(0, 997) + "...";
    }

    private static String stationOf(Connection c, String pileId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT station_id FROM charger_list WHERE pile_id = ?")) {
            s.setString(1, pileId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String json(Object o) {
        try {
            return ControlJson.MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
