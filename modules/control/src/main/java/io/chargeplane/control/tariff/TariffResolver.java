package io.chargeplane.control.tariff;

import io.chargeplane.control.Result;
import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which tariff version a charger is priced with at an instant: its own scope's version in force then, else its
 * station's, else the network's. The versions come from the tariff entities (the single writers), cached with the
 * instant up to which each answer is true ({@link TariffEntity.Versions}): thousands of sessions a second cost a
 * few asks a second, and never a stale price. Which station and charger scopes have a tariff at all is read from
 * the read side every few seconds (and learnt at once on this node when a version is saved through it), so that
 * asking about chargers without a tariff of their own costs no entity.
 */
public final class TariffResolver {
    private static final Logger LOG = LoggerFactory.getLogger(TariffResolver.class);
    static final Duration SCOPES_REFRESH = Duration.ofSeconds(5);
    /** How often one scope's entity is asked at most, for all the sessions that wait for a newer answer. */
    static final Duration REFRESH_SPACING = Duration.ofMillis(200);
    static final Duration ZONE_TTL = Duration.ofSeconds(60);
    private static final Duration ASK = Duration.ofSeconds(10);

    /** A version found, and the scope it belongs to. */
    record Resolved(TariffScope scope, TariffEntity.TariffVersion version) {
    }

    private final ActorSystem<?> system;
    private final Database db;
    private final Executor blocking;
    private final Clock clock;
    private volatile Set<String> scopes;
    private volatile Instant scopesReadAt = Instant.MIN;
    private CompletableFuture<Set<String>> readingScopes; // guarded by this
    private final Set<String> learnt = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public TariffResolver(ActorSystem<?> system, Database db, Executor blocking, Clock clock) {
        this.system = system;
        this.db = db;
        this.blocking = blocking;
        this.clock = clock;
    }

    /** A version was saved for {@code scope} through this node: ask it from now on, whatever the read side says. */
    public void learn(TariffScope scope) {
        learnt.add(scope.toString());
    }

    /** The version that prices charger {@code pileId} of station {@code stationId} (may be null) at {@code at}. */
    CompletionStage<Optional<Resolved>> inForce(String pileId, String stationId, Instant at) {
        return knownScopes().thenCompose(known -> {
            List<TariffScope> chain = new ArrayList<>();
            if (pileId != null && has(known, TariffScope.charger(pileId))) {
                chain.add(TariffScope.charger(pileId));
            }
            if (stationId != null && has(known, TariffScope.station(stationId))) {
                chain.add(TariffScope.station(stationId));
            }
            chain.add(TariffScope.NETWORK);
            return first(chain, 0, at);
        });
    }

    private boolean has(Set<String> known, TariffScope scope) {
        return known == null || known.contains(scope.toString()) || learnt.contains(scope.toString());
    }

    private CompletionStage<Optional<Resolved>> first(List<TariffScope> chain, int i, Instant at) {
        if (i == chain.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        TariffScope scope = chain.get(i);
        return versionAt(scope, at).thenCompose(v -> v.isPresent()
                ? CompletableFuture.completedFuture(Optional.of(new Resolved(scope, v.get())))
                : first(chain, i + 1, at));
    }

    /**
     * The versions of one scope as its entity last answered, true for every instant up to {@code asOf}. Sessions
     * are priced with what was in force when they started, which is never after they are priced: a list fetched
     * after a session's start answers for it. A session that started after the last answer waits for the next,
     * asked at most every {@link #REFRESH_SPACING} for all such sessions together.
     */
    private final class ScopeVersions {
        private final String scope;
        private volatile TariffEntity.Versions known;
        private CompletableFuture<TariffEntity.Versions> asking; // guarded by this
        private long lastAskNanos = System.nanoTime() - REFRESH_SPACING.toNanos();

        ScopeVersions(String scope) {
            this.scope = scope;
        }

        CompletionStage<Optional<TariffEntity.TariffVersion>> at(Instant at) {
            TariffEntity.Versions k = known;
            if (k != null && !at.isAfter(k.asOf())) {
                return CompletableFuture.completedFuture(pick(k, at));
            }
            // an answer asked for before this call may predate the instant: then one asked after it. An instant
            // still later than that (a price asked for the future) gets what is known now
            return ask().thenCompose(v -> !at.isAfter(v.asOf()) ? CompletableFuture.completedFuture(pick(v, at))
                    : ask().thenApply(w -> pick(w, at)));
        }

        private Optional<TariffEntity.TariffVersion> pick(TariffEntity.Versions v, Instant at) {
            return Optional.ofNullable(TariffEntity.inForceAt(v.versions(), at));
        }

        private synchronized CompletableFuture<TariffEntity.Versions> ask() {
            if (asking != null) {
                return asking;
            }
            CompletableFuture<TariffEntity.Versions> f = new CompletableFuture<>();
            asking = f;
            long wait = Math.max(0, lastAskNanos + REFRESH_SPACING.toNanos() - System.nanoTime());
            CompletableFuture.runAsync(() -> {
                synchronized (this) {
                    lastAskNanos = System.nanoTime();
                }
                ClusterSharding.get(system).entityRefFor(TariffEntity.ENTITY_KEY, scope)
                        .<Result<TariffEntity.Versions>>ask(TariffEntity.GetVersions::new, ASK)
                        .whenComplete((r, e) -> {
                            synchronized (this) {
                                asking = null;
                            }
                            if (e != null) {
                                f.completeExceptionally(e);
                            } else if (!r.isOk()) {
                                f.completeExceptionally(new IllegalStateException(r.rejection().detail()));
                            } else {
                                known = r.value();
                                f.complete(r.value());
                            }
                        });
            }, CompletableFuture.delayedExecutor(wait, java.util.concurrent.TimeUnit.NANOSECONDS));
            return f;
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, ScopeVersions> versions =
            new java.util.concurrent.ConcurrentHashMap<>();

    private CompletionStage<Optional<TariffEntity.TariffVersion>> versionAt(TariffScope scope, Instant at) {
        return versions.computeIfAbsent(scope.toString(), ScopeVersions::new).at(at);
    }

    /** A station's time zone, read again after {@link #ZONE_TTL} (zones change rarely; an edit shows within it). */
    private record Zone(String id, long readNanos) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Zone> zones =
            new java.util.concurrent.ConcurrentHashMap<>();

    private CompletionStage<String> zoneOf(String stationId) {
        Zone z = zones.get(stationId);
        if (z != null && System.nanoTime() - z.readNanos() < ZONE_TTL.toNanos()) {
            return CompletableFuture.completedFuture(z.id());
        }
        return ClusterSharding.get(system).entityRefFor(io.chargeplane.control.station.StationEntity.ENTITY_KEY,
                        stationId)
                .<Result<io.chargeplane.control.station.StationEntity.StationView>>ask(
                        io.chargeplane.control.station.StationEntity.Get::new, ASK)
                .thenApply(r -> {
                    String id = "UTC";
                    if (r.isOk()) {
                        var d = r.value().live() != null ? r.value().live() : r.value().draft();
                        id = d == null || d.timeZone() == null ? "UTC" : d.timeZone();
                    }
                    zones.put(stationId, new Zone(id, System.nanoTime()));
                    return id;
                });
    }

    /**
     * What prices a session of charger {@code pileId} at station {@code stationId} that started at {@code startedAt}:
     * the version then in force and the station's time zone (UTC when the station has none); empty when no tariff
     * applied then.
     */
    public CompletionStage<Optional<SessionTariff>> forSession(String pileId, String stationId, Instant startedAt) {
        CompletionStage<String> zone = stationId == null ? CompletableFuture.completedFuture("UTC")
                : zoneOf(stationId);
        return zone.thenCombine(inForce(pileId, stationId, startedAt), (z, found) -> found.map(f ->
                new SessionTariff(f.scope().toString(), f.version().number(), f.version().tariff(), z,
                        f.version().effectiveFrom())));
    }

    /**
     * The scopes that have versions, from the read side (null when it cannot be read: then every scope is asked). One
     * read at a time: the sessions that find the list old meanwhile wait for that read.
     */
    private CompletionStage<Set<String>> knownScopes() {
        Instant now = clock.instant();
        if (scopes != null && scopesReadAt.plus(SCOPES_REFRESH).isAfter(now)) {
            return CompletableFuture.completedFuture(scopes);
        }
        synchronized (this) {
            if (readingScopes != null) {
                return readingScopes;
            }
            CompletableFuture<Set<String>> read = CompletableFuture.supplyAsync(() -> {
                try (Connection c = db.dataSource().getConnection();
                     PreparedStatement q = c.prepareStatement("SELECT DISTINCT scope FROM tariff_version");
                     ResultSet rs = q.executeQuery()) {
                    Set<String> found = new HashSet<>();
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                    scopes = Set.copyOf(found);
                    scopesReadAt = now;
                    return scopes;
                } catch (java.sql.SQLException e) {
                    LOG.warn("tariff scopes could not be read; asking every scope", e);
                    return null;
                }
            }, blocking);
            readingScopes = read;
            read.whenComplete((x, e) -> {
                synchronized (this) {
                    readingScopes = null;
                }
            });
            return read;
        }
    }
}
