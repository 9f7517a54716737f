package io.chargeplane.control.presence;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Who is connected, for the charger list's "online" column: piles report connect, disconnect and (coarsely) that
 * they are still seen; one writer per node gathers the reports and writes the latest per pile once a second in
 * one batch. A node that dies leaves rows that say online: readers count a charger online only if it was seen
 * recently ({@code last_seen}), see {@code ReadQueries}. Each connect and disconnect also goes, in the same
 * rhythm, to this node's {@link ConnectionLog} in the journal, for the event feed.
 */
public final class PresenceWriter extends AbstractBehavior<PresenceWriter.Command> {

    public sealed interface Command {
    }

    /**
     * {@code online}: connected now or still seen; false: disconnected. {@code change}: it connected or its
     * connection ended just now (not "still seen").
     */
    public record Report(String pileId, boolean online, boolean change, Instant at) implements Command {
    }

    private record Flush() implements Command {
    }

    private record Flushed(Map<String, Row> batch, Throwable failure) implements Command {
    }

    private record Row(boolean online, Instant since, Instant lastSeen) {
    }

    private final Database db;
    private final Executor blocking;
    private final ActorRef<ConnectionLog.Command> log;
    private Map<String, Row> pending = new HashMap<>();
    private List<ConnectionLog.Changed> changes = new ArrayList<>();
    private boolean writing;

    /** {@code node}: this node's address, naming its connection log. */
    public static Behavior<Command> create(Database db, Executor blocking, Duration interval, String node) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Flush(), interval);
            return new PresenceWriter(ctx, db, blocking, ctx.spawn(ConnectionLog.create(node), "connection-log"));
        }));
    }

    private PresenceWriter(ActorContext<Command> ctx, Database db, Executor blocking,
                           ActorRef<ConnectionLog.Command> log) {
        super(ctx);
        this.db = db;
        this.blocking = blocking;
        this.log = log;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Report.class, r -> {
                    Row previous = pending.get(r.pileId());
                    boolean changed = previous == null || previous.online() != r.online();
                    pending.put(r.pileId(), new Row(r.online(), changed || previous == null ? r.at() : previous.since(), r.at()));
                    if (r.change()) {
                        changes.add(new ConnectionLog.Changed(r.pileId(), r.online(), r.at()));
                    }
                    return this;
                })
                .onMessage(Flush.class, f -> {
                    if (!changes.isEmpty()) {
                        log.tell(new ConnectionLog.Append(changes));
                        changes = new ArrayList<>();
                    }
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
