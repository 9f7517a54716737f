package io.chargeplane.control.feed;

import io.chargeplane.control.batch.CommandBatch;
import io.chargeplane.control.charger.PileEvent;
import io.chargeplane.control.db.Database;
import io.chargeplane.control.presence.ConnectionLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.serialization.Serialization;

/**
 * Reads the journal in its global order ({@code ordering}) and turns the events the feed shows into
 * {@link FeedEvent}s: status changes of piles, batches and their targets, connects and disconnects. Only those
 * rows' payloads are fetched; the others are read as their ordering alone, which is what tells a gap (a write
 * not yet committed) from the end. A pile's station comes from the charger list, remembered for a while (a
 * charger registered a moment ago has no station in the feed until the list has it, within about a second).
 */
public final class JournalTail {
    private static final String STATUS = PileEvent.ConnectorStatusChanged.class.getName();
    private static final String BATCH = CommandBatch.Created.class.getName();
    private static final String TARGET = CommandBatch.TargetUpdated.class.getName();
    private static final String CONNECTION = ConnectionLog.Changed.class.getName();
    private static final String SELECT = "SELECT \"ordering\", \"persistence_id\", \"event_ser_id\", \"event_ser_manifest\","
            + " CASE WHEN \"event_ser_manifest\" IN ('" + STATUS + "', '" + BATCH + "', '" + TARGET + "', '"
            + CONNECTION + "') THEN \"event_payload\" END FROM \"event_journal\" WHERE \"ordering\" > ?"
            + " AND \"ordering\" <= ? ORDER BY \"ordering\" LIMIT ?";
    private static final Duration STATION_TTL = Duration.ofSeconds(30);

    /** One journal row: {@code payload} is null for a row the feed does not show. */
    public record Row(long ordering, String persistenceId, int serializerId, String manifest, byte[] payload) {
    }

    private record Station(String stationId, Instant readAt) {
    }

    private final Database db;
    private final Serialization serialization;
    private final Map<String, Station> stations = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Station> eldest) {
            return size() > 100_000;
        }
    };

    public JournalTail(Database db, Serialization serialization) {
        this.db = db;
        this.serialization = serialization;
    }

    /** The highest ordering written so far (0 for an empty journal). */
    public long last() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(\"ordering\") FROM \"event_journal\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Up to {@code limit} rows after {@code after} and at most {@code upTo}, in order. */
    public List<Row> rows(long after, long upTo, int limit) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getBytes(5)));
                }
            }
        }
        return rows;
    }

    /** The feed events of {@code rows}, in their order. */
    public synchronized List<FeedEvent> events(List<Row> rows, Instant now) throws SQLException {
        List<Object[]> decoded = new ArrayList<>();
        Set<String> piles = new LinkedHashSet<>();
        for (Row r : rows) {
            if (r.payload() == null) {
                continue;
            }
            Object event = serialization.deserialize(r.payload(), r.serializerId(), r.manifest()).get();
            String entityId = r.persistenceId().substring(r.persistenceId().indexOf('|') + 1);
            decoded.add(new Object[] {r, event, entityId});
            if (event instanceof PileEvent) {
                piles.add(entityId);
            } else if (event instanceof CommandBatch.TargetUpdated u) {
                piles.add(u.pileId());
            } else if (event instanceof ConnectionLog.Changed ch) {
                piles.add(ch.pileId());
            }
        }
        Map<String, String> stationOf = stationsOf(piles, now);
        List<FeedEvent> out = new ArrayList<>(decoded.size());
        for (Object[] d : decoded) {
            out.add(feedEvent(((Row) d[0]).ordering(), d[1], (String) d[2], stationOf));
        }
        return out;
    }

    private static FeedEvent feedEvent(long id, Object event, String entityId, Map<String, String> stationOf) {
        if (event instanceof PileEvent.ConnectorStatusChanged s) {
            return new FeedEvent(id, "charger.status", stationOf.get(entityId), entityId, null, s.receivedAt(),
                    data("connectorId", s.connectorId(), "status", s.status(), "errorCode", s.errorCode(),
                            "info", s.info(), "vendorErrorCode", s.vendorErrorCode(),
                            "chargerTimestamp", s.chargerTimestamp()));
        }
        if (event instanceof ConnectionLog.Changed ch) {
            return new FeedEvent(id, "charger.connection", stationOf.get(ch.pileId()), ch.pileId(), null, ch.at(),
                    data("online", ch.online()));
        }
        if (event instanceof CommandBatch.Created c) {
            return new FeedEvent(id, "batch", c.stationId(), null, entityId, c.at(), data("operation",
                    c.operation().name(), "targets", c.targets().size(), "by", c.origin() == null ? null : c.origin().by()));
        }
        CommandBatch.TargetUpdated u = (CommandBatch.TargetUpdated) event;
        return new FeedEvent(id, "batch.target", stationOf.get(u.pileId()), u.pileId(), entityId, u.at(),
                data("commandId", u.commandId(), "status", u.status(), "answer", u.answer(), "reason", u.reason(),
                        "confirmation", u.confirmation(), "done", u.done()));
    }

    private static Map<String, Object> data(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return m;
    }

    private Map<String, String> stationsOf(Set<String> piles, Instant now) throws SQLException {
        Map<String, String> out = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String p : piles) {
            Station s = stations.get(p);
            if (s != null && Duration.between(s.readAt(), now).compareTo(STATION_TTL) < 0) {
                out.put(p, s.stationId());
            } else {
                unknown.add(p);
            }
        }
        for (int from = 0; from < unknown.size(); from += 500) {
            List<String> part = unknown.subList(from, Math.min(unknown.size(), from + 500));
            String sql = "SELECT pile_id, station_id FROM charger_list WHERE pile_id IN ("
                    + String.join(",", java.util.Collections.nCopies(part.size(), "?")) + ")";
            Map<String, String> found = new HashMap<>();
            try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            for (String p : part) {
                String station = found.get(p);
                if (station != null) { // else not listed yet (registered just now) or of no station: asked again
                    stations.put(p, new Station(station, now));
                }
                out.put(p, station);
            }
        }
        return out;
    }
}
