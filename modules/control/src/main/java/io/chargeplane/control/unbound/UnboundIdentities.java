package io.chargeplane.control.unbound;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Identities that connected without a binding, listed for operators as "seen, not bound". Bounded and
 * rate-limited: sightings are gathered in memory (at most {@code maxPending} identities) and written at
 * most once per flush interval; the table keeps at most {@code maxRows} identities, the most recently seen.
 * No entity is created for such an identity.
 */
public final class UnboundIdentities {
    private UnboundIdentities() {
    }

    public interface Command {
    }

    public record Sighting(String identity, Instant at, String remoteAddress, String vendor, String model,
                           String serialNumber) implements Command {
    }

    private record Flush() implements Command {
    }

    private record Flushed() implements Command {
    }

    public record Row(String identity, Instant firstSeen, Instant lastSeen, long attempts, String remoteAddress,
                      String vendor, String model, String serialNumber) {
    }

    public static Behavior<Command> create(Database db, Executor blocking, Duration flushInterval, int maxPending,
                                           int maxRows) {
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Flush(), flushInterval);
            return collecting(db, blocking, maxPending, maxRows);
        });
    }

    private static Behavior<Command> collecting(Database db, Executor blocking, int maxPending, int maxRows) {
        Map<String, Sighting> latest = new HashMap<>();
        Map<String, long[]> counts = new HashMap<>();
        return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
                .onMessage(Sighting.class, s -> {
                    if (latest.size() < maxPending || latest.containsKey(s.identity())) {
                        Sighting was = latest.get(s.identity());
                        latest.put(s.identity(), was == null || s.vendor() != null ? s
                                : new Sighting(s.identity(), s.at(), s.remoteAddress(), was.vendor(), was.model(),
                                was.serialNumber()));
                        counts.computeIfAbsent(s.identity(), k -> new long[1])[0]++;
                    }
                    return Behaviors.same();
                })
                .onMessage(Flush.class, f -> {
                    if (latest.isEmpty()) {
                        return Behaviors.same();
                    }
                    List<Sighting> batch = new ArrayList<>(latest.values());
                    Map<String, Long> attempts = new HashMap<>();
                    counts.forEach((k, v) -> attempts.put(k, v[0]));
                    latest.clear();
                    counts.clear();
                    ctx.pipeToSelf(CompletableFuture.runAsync(() -> write(db, batch, attempts, maxRows), blocking),
                            (ok, err) -> {
                                if (err != null) {
                                    ctx.getLog().warn("could not record unbound identities: {}", err.getMessage());
                                }
                                return new Flushed();
                            });
                    return Behaviors.same();
                })
                .onMessage(Flushed.class, f -> Behaviors.same())
                .build());
    }

    private static void write(Database db, List<Sighting> batch, Map<String, Long> attempts, int maxRows) {
        String update = "UPDATE unbound_identity SET last_seen = ?, attempts = attempts + ?, remote_address = ?,"
                + " vendor = COALESCE(?, vendor), model = COALESCE(?, model), serial_number = COALESCE(?, serial_number)"
                + " WHERE identity = ?";
        String insert = "INSERT INTO unbound_identity (identity, first_seen, last_seen, attempts, remote_address, vendor,"
                + " model, serial_number) VALUES (?,?,?,?,?,?,?,?)";
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement(update); PreparedStatement in = c.prepareStatement(insert)) {
                for (Sighting s : batch) {
                    OffsetDateTime at = s.at().atOffset(ZoneOffset.UTC);
                    up.setObject(1, at);
                    up.setLong(2, attempts.getOrDefault(s.identity(), 1L));
                    up.setString(3, s.remoteAddress());
                    up.setString(4, s.vendor());
                    up.setString(5, s.model());
                    up.setString(6, s.serialNumber());
                    up.setString(7, s.identity());
                    if (up.executeUpdate() == 0) {
                        in.setString(1, s.identity());
                        in.setObject(2, at);
                        in.setObject(3, at);
                        in.setLong(4, attempts.getOrDefault(s.identity(), 1L));
                        in.setString(5, s.remoteAddress());
                        in.setString(6, s.vendor());
                        in.setString(7, s.model());
                        in.setString(8, s.serialNumber());
                        in.executeUpdate();
                    }
                }
            }
            trim(c, maxRows);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void trim(Connection c, int maxRows) throws SQLException {
        String sql = "DELETE FROM unbound_identity WHERE identity IN (SELECT identity FROM unbound_identity"
                + " ORDER BY last_seen DESC OFFSET ? ROWS)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, maxRows);
            ps.executeUpdate();
        }
    }

    /** The most recently seen unbound identities, newest first. */
    public static List<Row> list(Database db, int limit) throws SQLException {
        String sql = "SELECT identity, first_seen, last_seen, attempts, remote_address, vendor, model, serial_number"
                + " FROM unbound_identity ORDER BY last_seen DESC, identity LIMIT ?";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getLong(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        }
    }
}
