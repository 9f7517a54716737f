package io.chargeplane.control.readside;

import io.chargeplane.control.Origin;
import io.chargeplane.control.device.DeviceEntity;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Device events that operators cause (a password issued) into {@code audit_log}; never the digest. */
final class DeviceProjection extends JdbcHandler<EventEnvelope<DeviceEntity.Event>, DataSourceSession> {
    static final String TAG = "device";

    @Override
    public void process(DataSourceSession session, EventEnvelope<DeviceEntity.Event> envelope) throws Exception {
        String id = envelope.persistenceId().substring(DeviceEntity.ENTITY_KEY.name().length() + 1);
        if (envelope.event() instanceof DeviceEntity.SecretIssued e) {
            session.withConnection(c -> {
                Audit.write(c, "device", id, envelope.sequenceNr(), "device.password-issued",
                        e.origin() != null ? e.origin() : Origin.system("unknown"), e.at(), null, Map.of("identity", id));
                return null;
            });
        }
    }
}
