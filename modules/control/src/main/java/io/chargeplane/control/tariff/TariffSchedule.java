package io.chargeplane.control.tariff;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the tariff scopes whose scheduled version is due (or due within {@link #LOOKAHEAD}) and not yet seen to take
 * effect, once at start-up and every {@code chargeplane.tariffs.schedule-interval}: after a restart no tariff entity is in memory, and the one
 * that holds a scheduled version must be, to take it into force on time. One per cluster (a sharded daemon process,
 * so it moves when its node leaves); a woken entity sets its own exact timer. Reads {@code tariff_version}.
 */
public final class TariffSchedule {
    private static final Logger LOG = LoggerFactory.getLogger(TariffSchedule.class);
    static final Duration LOOKAHEAD = Duration.ofMinutes(2);
    static final String QUERY = "SELECT DISTINCT scope FROM tariff_version WHERE took_effect_at IS NULL "
            + "AND cancelled_at IS NULL AND effective_from <= ?";

    private TariffSchedule() {
    }

    private enum Tick { INSTANCE }

    public static void start(ActorSystem<?> system, Database db, Executor blocking, Clock clock) {
        Duration interval = system.settings().config().getDuration("chargeplane.tariffs.schedule-interval");
        ShardedDaemonProcess.get(system).init(Tick.class, "tariff-schedule", 1, i -> behavior(system, db, blocking,
                clock, interval), ShardedDaemonProcessSettings.create(system), Optional.empty());
    }

    private static Behavior<Tick> behavior(ActorSystem<?> system, Database db, Executor blocking, Clock clock,
                                           Duration interval) {
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
            return Behaviors.receiveMessage(tick -> {
                CompletableFuture.runAsync(() -> wakeDue(system, db, clock), blocking);
                return Behaviors.same();
            });
        });
    }

    /** The scopes with a version due by now + {@link #LOOKAHEAD} that has not been seen to take effect. */
    static List<String> due(Database db, Clock clock) throws java.sql.SQLException {
        List<String> scopes = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement(QUERY)) {
            q.setTimestamp(1, Timestamp.from(clock.instant().plus(LOOKAHEAD)));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    scopes.add(rs.getString(1));
                }
            }
        }
        return scopes;
    }

    private static void wakeDue(ActorSystem<?> system, Database db, Clock clock) {
        try {
            ClusterSharding sharding = ClusterSharding.get(system);
            for (String scope : due(db, clock)) {
                sharding.entityRefFor(TariffEntity.ENTITY_KEY, scope).tell(new TariffEntity.Wake());
            }
        } catch (java.sql.SQLException e) {
            LOG.warn("scheduled tariff versions could not be looked up; trying again at the next tick", e);
        }
    }
}
