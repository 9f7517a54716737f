package io.chargeplane.control.readside;

import io.chargeplane.control.batch.CommandBatch;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Batch events into {@code batch_list} (one row per batch, with how many targets are done) and the audit log. */
final class BatchProjection extends JdbcHandler<EventEnvelope<CommandBatch.Event>, DataSourceSession> {
    static final String TAG = CommandBatch.TAG;

    @Override
    public void process(DataSourceSession session, EventEnvelope<CommandBatch.Event> envelope) throws Exception {
        String id = envelope.persistenceId().substring(CommandBatch.ENTITY_KEY.name().length() + 1);
        long seq = envelope.sequenceNr();
        CommandBatch.Event event = envelope.event();
        session.withConnection(c -> {
            if (event instanceof CommandBatch.Created e) {
                Rows.update(c, "INSERT INTO batch_list (batch_id, operation, station_id, created_by, created_at, "
                                + "target_count, done_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)", id,
                        e.operation().name(), e.stationId(), e.origin().by(), e.at(), e.targets().size(), e.at());
                Audit.write(c, "batch", id, seq, "batch.created", e.origin(), e.at(), null, Map.of(
                        "operation", e.operation(), "targets", e.targets().size(),
                        "stationId", e.stationId() == null ? "" : e.stationId()));
            } else if (event instanceof CommandBatch.TargetUpdated e && e.done()) {
                Rows.update(c, "UPDATE batch_list SET done_count = done_count + 1, updated_at = ? WHERE batch_id = ?",
                        e.at(), id);
            }
            return null;
        });
    }
}
