package io.chargeplane.control.charger.registration;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, wakes the registration sagas a crash left begun but not ended, so that each finishes
 * ({@link RegistrationSaga}'s recovery). They are found in the journal: a saga's first event is {@code Began}, its
 * second {@code Ended}, so an interrupted one is a saga with only one event (one indexed range read over the sagas'
 * persistence ids, at start-up only). Sharding's remember-entities would do the same but writes to the journal in
 * the path of every registration (docs/benchmarks.md, issue #22).
 */
public final class InterruptedRegistrations {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptedRegistrations.class);
    static final String QUERY = "SELECT \"persistence_id\" FROM \"event_journal\" WHERE \"persistence_id\" LIKE ? "
            + "GROUP BY \"persistence_id\" HAVING MAX(\"sequence_number\") = 1";

    private InterruptedRegistrations() {
    }

    /** The request ids of the sagas begun and not ended. */
    static List<String> find(Database db) throws java.sql.SQLException {
        String prefix = RegistrationSaga.ENTITY_KEY.name() + "|";
        List<String> ids = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement(QUERY)) {
            q.setString(1, prefix + "%");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1).substring(prefix.length()));
                }
            }
        }
        return ids;
    }

    /** Finds the interrupted sagas and wakes each (its recovery finishes it); in the background. */
    public static CompletableFuture<Integer> resume(ActorSystem<?> system, Database db, Executor blocking) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<String> ids = find(db);
                ClusterSharding sharding = ClusterSharding.get(system);
                for (String id : ids) {
                    sharding.entityRefFor(RegistrationSaga.ENTITY_KEY, id).tell(new RegistrationSaga.Wake());
                }
                if (!ids.isEmpty()) {
                    LOG.info("{} charger registrations were interrupted by the last stop; finishing them", ids.size());
                }
                return ids.size();
            } catch (java.sql.SQLException e) {
                LOG.error("interrupted charger registrations could not be looked up; they finish when asked again", e);
                return 0;
            }
        }, blocking);
    }
}
