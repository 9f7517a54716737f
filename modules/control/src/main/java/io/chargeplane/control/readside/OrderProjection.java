package io.chargeplane.control.readside;

import io.chargeplane.control.ControlJson;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.pricing.Bill;
import java.sql.Connection;
import java.sql.SQLException;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * A pile's session events into {@code charging_order}: a row when a session ends (its end carries what the order
 * needs from the start; a late stop's correction replaces the figures), its cost when it is priced (a second bill is
 * a re-rating: it replaces the cost and counts up {@code rated_count}; the journal keeps every one). Sessions in
 * progress are the chargers' ({@code GET /api/chargers/{id}/live}, with their running cost).
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
        if (event instanceof PileEvent.SessionEnded e && e.order() != null) {
            PileEvent.Order o = e.order();
            // an end corrected by a late stop replaces the figures of the first
            if (Rows.update(c, "UPDATE charging_order SET stopped_at = ?, meter_stop = ?, energy_wh = ?, stop_reason = ?, "
                            + "ended_by = ?, updated_at = ? WHERE pile_id = ? AND transaction_id = ?", e.stoppedAt(),
                    e.meterStop(), e.energyWh(), e.reason(), e.endedBy(), e.receivedAt(), pileId,
                    e.transactionId()) == 0) {
                Rows.update(c, "INSERT INTO charging_order (pile_id, transaction_id, station_id, connector_id, id_tag, "
                                + "status, started_at, meter_start, stopped_at, meter_stop, energy_wh, stop_reason, "
                                + "ended_by, updated_at) VALUES (?, ?, ?, ?, ?, 'ENDED', ?, ?, ?, ?, ?, ?, ?, ?)",
                        pileId, e.transactionId(), o.stationId(), o.connectorId(), o.idTag(), o.startedAt(),
                        o.meterStart(), e.stoppedAt(), e.meterStop(), e.energyWh(), e.reason(), e.endedBy(),
                        e.receivedAt());
            }
            if (e.price() != null) {
                bill(c, pileId, e.transactionId(), e.price(), e.receivedAt());
            }
        } else if (event instanceof PileEvent.SessionPriced e) {
            bill(c, pileId, e.transactionId(), e.price(), e.at());
        }
    }

    private static void bill(Connection c, String pileId, int transactionId,
                             io.chargeplane.control.charger.SessionPrice price, java.time.Instant at)
            throws SQLException {
        Bill b = price.bill();
        Rows.update(c, "UPDATE charging_order SET tariff_scope = ?, tariff_version = ?, currency = ?, "
                        + "electricity = ?, service = ?, idle = ?, total = ?, bill_json = ?, flags = ?, "
                        + "rated_count = rated_count + 1, updated_at = ? WHERE pile_id = ? AND transaction_id = ?",
                price.scope(), price.tariffVersion(), b == null ? null : b.currency().getCurrencyCode(),
                b == null ? null : b.electricity(), b == null ? null : b.service(), b == null ? null : b.idle(),
                b == null ? null : b.total(), b == null ? null : json(b), flags(b, price.note()), at, pileId,
                transactionId);
    }

    private static String flags(Bill b, String note) {
        String f = b == null || b.flags().isEmpty() ? null : String.join("; ", b.flags());
        String all = note == null ? f : f == null ? note : note + "; " + f;
        return all == null || all.length() <= 1000 ? all : all.substring(0, 997) + "...";
    }

    private static String json(Object o) {
        try {
            return ControlJson.MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
