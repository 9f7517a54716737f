package io.chargeplane.control.readside;

import io.chargeplane.control.Origin;
import io.chargeplane.control.tariff.TariffEntity;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Tariff events into {@code tariff_version} (what lists and the scheduler read), {@code review_queue} and
 * {@code audit_log}, in the offset's transaction.
 */
final class TariffProjection extends JdbcHandler<EventEnvelope<TariffEntity.Event>, DataSourceSession> {
    static final String TAG = "tariff";
    /** Who the audit log names for what happened on time, without an operator. */
    static final Origin SCHEDULE = Origin.system("tariff-schedule");

    @Override
    public void process(DataSourceSession session, EventEnvelope<TariffEntity.Event> envelope) throws Exception {
        String scope = envelope.persistenceId().substring(TariffEntity.ENTITY_KEY.name().length() + 1);
        long seq = envelope.sequenceNr();
        TariffEntity.Event event = envelope.event();
        session.withConnection(c -> {
            if (event instanceof TariffEntity.ChangeSubmitted e) {
                Rows.queueReview(c, "tariff", scope, e.changeId(), e.origin().by(), e.at());
                Audit.write(c, "tariff", scope, seq, "tariff.change-submitted", e.origin(), e.at(), null,
                        Map.of("changeId", e.changeId(), "effectiveFrom", e.requestedFrom(), "proposed", e.tariff()));
            } else if (event instanceof TariffEntity.VersionPublished e) {
                Rows.update(c, "INSERT INTO tariff_version (scope, number, currency, effective_from, requested_from, "
                                + "submitted_by, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", scope,
                        e.number(), e.tariff().currency(), e.effectiveFrom(), e.requestedFrom(), e.submittedBy(),
                        e.origin().by(), e.at());
                if (e.changeId() != null) {
                    Rows.unqueueReview(c, "tariff", scope);
                }
                Audit.write(c, "tariff", scope, seq, e.changeId() == null ? "tariff.published"
                        : "tariff.change-approved", e.origin(), e.at(), null, Map.of("version", e.number(),
                        "effectiveFrom", e.effectiveFrom(), "tariff", e.tariff()));
            } else if (event instanceof TariffEntity.ChangeRejected e) {
                Rows.unqueueReview(c, "tariff", scope);
                Audit.write(c, "tariff", scope, seq, "tariff.change-rejected", e.origin(), e.at(), null,
                        Map.of("changeId", e.changeId(), "comment", e.comment()));
            } else if (event instanceof TariffEntity.ScheduledCancelled e) {
                Rows.update(c, "UPDATE tariff_version SET cancelled_at = ? WHERE scope = ? AND number = ?", e.at(),
                        scope, e.number());
                Audit.write(c, "tariff", scope, seq, "tariff.scheduled-cancelled", e.origin(), e.at(), null,
                        Map.of("version", e.number()));
            } else if (event instanceof TariffEntity.VersionTookEffect e) {
                Rows.update(c, "UPDATE tariff_version SET took_effect_at = ? WHERE scope = ? AND number = ?", e.at(),
                        scope, e.number());
                Audit.write(c, "tariff", scope, seq, "tariff.took-effect", SCHEDULE, e.at(), null,
                        Map.of("version", e.number()));
            }
            return null;
        });
    }
}
