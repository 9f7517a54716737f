package io.chargeplane.control.readside;

import io.chargeplane.control.Origin;
import io.chargeplane.control.account.AccountEntity;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Account events into {@code audit_log}: created, role changed, password changed, locked, unlocked. Never a hash. */
final class AccountProjection extends JdbcHandler<EventEnvelope<AccountEntity.Event>, DataSourceSession> {
    static final String TAG = "account";

    @Override
    public void process(DataSourceSession session, EventEnvelope<AccountEntity.Event> envelope) throws Exception {
        String id = envelope.persistenceId().substring(AccountEntity.ENTITY_KEY.name().length() + 1);
        long seq = envelope.sequenceNr();
        AccountEntity.Event event = envelope.event();
        session.withConnection(c -> {
            if (event instanceof AccountEntity.AccountCreated e) {
                Audit.write(c, "account", id, seq, "account.created", e.origin(), e.at(), null, Map.of("role", e.role()));
            } else if (event instanceof AccountEntity.RoleChanged e) {
                Audit.write(c, "account", id, seq, "account.role-changed", e.origin(), e.at(), null, Map.of("role", e.role()));
            } else if (event instanceof AccountEntity.PasswordChanged e) {
                Audit.write(c, "account", id, seq, "account.password-changed", e.origin(), e.at(), null, null);
            } else if (event instanceof AccountEntity.AccountLocked e) {
                Audit.write(c, "account", id, seq, "account.locked", Origin.system("lockout"), e.until(), null,
                        Map.of("lockedUntil", e.until()));
            } else if (event instanceof AccountEntity.FailuresCleared e) {
                Audit.write(c, "account", id, seq, "account.unlocked", e.origin(), e.at(), null, null);
            } else if (event instanceof AccountEntity.AccountDisabled e) {
                Audit.write(c, "account", id, seq, "account.disabled", e.origin(), e.at(), null, null);
            } else if (event instanceof AccountEntity.AccountEnabled e) {
                Audit.write(c, "account", id, seq, "account.enabled", e.origin(), e.at(), null, null);
            }
            return null;
        });
    }
}
