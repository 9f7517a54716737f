package io.chargeplane.control.presence;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Who is connected, for the charger list's "online" column: piles report connect, disconnect and (coarsely) that
 * they are still seen; one writer per node gathers the reports and writes the latest per pile once a second in
 * one batch. A node that dies leaves rows that say online: readers count a charger online only if it was seen
 * recently ({@code last_seen}), see {@code ReadQueries}.
 */
public final class PresenceWriter extends AbstractBehavior<PresenceWriter.Command> {

    public sealed interface Command {
    }

    /** {@code online}: connected now or still seen; false: disconnected. */
    public record Report(String pileId, boolean online, Instant at) implements Command {
    }

    private record Flush() implements Command {
    }

    private record Flushed(Map<String, Row> batch, Throwable failure) implements Command {
    }

    private record Row(boolean online, Instant since, Instant lastSeen) {
    }

    private final Database db;
    private final Executor blocking;
    private Map<String, Row> pending = new HashMap<>();
    private boolean writing;

    public static Behavior<Command> create(Database db, Executor blocking, Duration interval) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Flush(), interval);
            return new PresenceWriter(ctx, db, blocking);
        }));
    }

    private PresenceWriter(ActorContext<Command> ctx, Database db, Executor blocking) {
        super(ctx);
        this.db = db;
        this.blocking = blocking;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Report.class, r -> {
                    Row previous = pending.get(r.pileId());
                    boolean changed = previous == null || previous.online() != r.online();
                    pending.put(r.pileId(), new Row(r.online(), changed || previous == null ? r.at() : previous.since(), r.at()));
                    return this;
                })
                .onMessage(Flush.class, f -> {
                    if (!writing && !pending.isEmpty()) {
                        Map<String, Row> batch = pending;
                        pending = new HashMap<>();
                        writing = true;
                        getContext().pipeToSelf(CompletableFuture.runAsync(() -> write(batch), blocking),
                                (ok, err) -> new Flushed(batch, err));
                    }
                    return this;
                })
                .onMessage(Flushed.class, f -> {
                    writing = false;
                    if (f.failure() != null) {
                        getContext().getLog().warn("presence not written, retried with the next flush: {}",
                                f.failure().toString());
                        f.batch().forEach(pending::putIfAbsent); // newer reports win
                    }
                    return this;
                })
                .build();
    }

    /** Update, else insert: one pile's row is written by one node at a time (the node holding its socket). */
    private void write(Map<String, Row> batch) {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            Map<String, Row> inserts = new HashMap<>();
            try (PreparedStatement u = c.prepareStatement("UPDATE charger_presence SET online = ?, "
                    + "since = CASE WHEN online = ? THEN since ELSE ? END, last_seen = ? WHERE pile_id = ?")) {
                String[] ids = batch.keySet().toArray(String[]::new);
                for (String id : ids) {
                    Row r = batch.get(id);
                    u.setBoolean(1, r.online());
                    u.setBoolean(2, r.online());
                    u.setTimestamp(3, Timestamp.from(r.since()));
                    u.setTimestamp(4, Timestamp.from(r.lastSeen()));
                    u.setString(5, id);
                    u.addBatch();
                }
                int[] counts = u.executeBatch();
                for (int i = 0; i < ids.length; i++) {
                    if (counts[i] == 0) {
                        inserts.put(ids[i], batch.get(ids[i]));
                    }
                }
            }
            if (!inserts.isEmpty()) {
                try (PreparedStatement i = c.prepareStatement(
                        "INSERT INTO charger_presence (pile_id, online, since, last_seen) VALUES (?, ?, ?, ?)")) {
                    for (Map.Entry<String, Row> e : inserts.entrySet()) {
                        i.setString(1, e.getKey());
                        i.setBoolean(2, e.getValue().online());
                        i.setTimestamp(3, Timestamp.from(e.getValue().since()));
                        i.setTimestamp(4, Timestamp.from(e.getValue().lastSeen()));
                        i.addBatch();
                    }
                    i.executeBatch();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }
}
