package io.chargeplane.control.readside;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists from the read side, with filters and keyset paging ({@code after} = the last key of the previous page), so
 * that a page costs the same at row 100,000 as at row 1. Blocking: call on the blocking dispatcher.
 */
public final class ReadQueries {
    private final Database db;

    public ReadQueries(Database db) {
        this.db = db;
    }

    public record Page<T>(List<T> items, String next) {
    }

    public record StationRow(String stationId, String name, String city, String country, String status,
                             Double latitude, Double longitude, String pendingChange, int chargerCount, long version,
                             Instant updatedAt) {
    }

    /** Map bounding box: south-west and north-east corners. */
    public record Box(double minLat, double minLon, double maxLat, double maxLon) {
    }

    public record StationFilter(String nameContains, String city, String status, Box box) {
    }

    public Page<StationRow> stations(StationFilter f, int limit, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT station_id, name, city, country, status, latitude, longitude, "
                + "pending_change, charger_count, version, updated_at FROM station_list WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.nameContains() != null) {
            sql.append(" AND name_lower LIKE ?");
            args.add("%" + f.nameContains().toLowerCase(java.util.Locale.ROOT).replace("%", "").replace("_", "") + "%");
        }
        if (f.city() != null) {
            sql.append(" AND city = ?");
            args.add(f.city());
        }
        if (f.status() != null) {
            sql.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.box() != null) {
            sql.append(" AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?");
            args.add(f.box().minLat());
            args.add(f.box().maxLat());
            args.add(f.box().minLon());
            args.add(f.box().maxLon());
        }
        if (after != null) {
            sql.append(" AND station_id > ?");
            args.add(after);
        }
        sql.append(" ORDER BY station_id LIMIT ?");
        args.add(limit + 1);
        List<StationRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StationRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), (Double) rs.getObject(6), (Double) rs.getObject(7), rs.getString(8),
                            rs.getInt(9), rs.getLong(10), rs.getTimestamp(11).toInstant()));
                }
            }
        }
        return page(rows, limit, StationRow::stationId);
    }

    public record ReviewRow(String entityType, String entityId, String changeId, String submittedBy, Instant submittedAt) {
    }

    /** Changes waiting for review, oldest first. */
    public List<ReviewRow> reviews(int limit) throws SQLException {
        List<ReviewRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT entity_type, entity_id, change_id, submitted_by, submitted_at FROM review_queue "
                        + "ORDER BY submitted_at, entity_type, entity_id LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ReviewRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant()));
                }
            }
        }
        return rows;
    }

    public record BatchRow(String batchId, String operation, String stationId, String createdBy, Instant createdAt,
                           int targetCount, int doneCount, Instant updatedAt) {
    }

    /** Newest first; {@code after} is the {@code next} of the previous page (created time and id of its last row). */
    public Page<BatchRow> batches(int limit, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT batch_id, operation, station_id, created_by, created_at, "
                + "target_count, done_count, updated_at FROM batch_list");
        List<Object> args = new ArrayList<>();
        if (after != null) {
            int bar = after.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("after must be the next of a previous page");
            }
            Instant at = Instant.parse(after.substring(0, bar));
            sql.append(" WHERE created_at < ? OR (created_at = ? AND batch_id < ?)");
            args.add(at);
            args.add(at);
            args.add(after.substring(bar + 1));
        }
        sql.append(" ORDER BY created_at DESC, batch_id DESC LIMIT ?");
        args.add(limit + 1);
        List<BatchRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new BatchRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getInt(6), rs.getInt(7), rs.getTimestamp(8).toInstant()));
                }
            }
        }
        return page(rows, limit, r -> r.createdAt() + "|" + r.batchId());
    }

    public record AuditRow(long id, Instant at, String username, String address, String entityType, String entityId,
                           String action, String beforeJson, String afterJson) {
    }

    public record AuditFilter(String entityType, String entityId, String username) {
    }

    /** Newest first; {@code after} is the id of the last row of the previous page. */
    public Page<AuditRow> audit(AuditFilter f, int limit, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, at, username, address, entity_type, entity_id, action, "
                + "before_json, after_json FROM audit_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.entityType() != null) {
            sql.append(" AND entity_type = ?");
            args.add(f.entityType());
        }
        if (f.entityId() != null) {
            sql.append(" AND entity_id = ?");
            args.add(f.entityId());
        }
        if (f.username() != null) {
            sql.append(" AND username = ?");
            args.add(f.username());
        }
        if (after != null) {
            sql.append(" AND id < ?");
            args.add(Long.parseLong(after));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit + 1);
        List<AuditRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AuditRow(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                }
            }
        }
        return page(rows, limit, r -> String.valueOf(r.id()));
    }

    public record ChargerRow(String pileId, String chargerNumber, String stationId, String model, String status,
                             Double maxPowerKw, int connectorCount, String connectorTypes, String identity,
                             String pendingChange, long version, Instant updatedAt, boolean online, Instant onlineSince) {
    }

    /**
     * {@code online}: only connected (true) or not (false) chargers; a charger counts as online when its node
     * reported it connected and saw it after {@code seenAfter} (a node that died cannot report the disconnect).
     */
    public record ChargerFilter(String stationId, String model, String status, String numberPrefix, Boolean online,
                                Instant seenAfter) {
    }

    public Page<ChargerRow> chargers(ChargerFilter f, int limit, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT c.pile_id, c.charger_number, c.station_id, c.model, c.status, "
                + "c.max_power_kw, c.connector_count, c.connector_types, c.identity, c.pending_change, c.version, "
                + "c.updated_at, CASE WHEN p.online AND p.last_seen > ? THEN 1 ELSE 0 END, p.since "
                + "FROM charger_list c LEFT JOIN charger_presence p ON p.pile_id = c.pile_id WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        args.add(f.seenAfter());
        if (f.online() != null) {
            sql.append(f.online() ? " AND p.online AND p.last_seen > ?"
                    : " AND (p.pile_id IS NULL OR NOT p.online OR p.last_seen <= ?)");
            args.add(f.seenAfter());
        }
        if (f.stationId() != null) {
            sql.append(" AND c.station_id = ?");
            args.add(f.stationId());
        }
        if (f.model() != null) {
            sql.append(" AND c.model = ?");
            args.add(f.model());
        }
        if (f.status() != null) {
            sql.append(" AND c.status = ?");
            args.add(f.status());
        }
        if (f.numberPrefix() != null) {
            sql.append(" AND c.charger_number LIKE ?");
            args.add(f.numberPrefix().replace("%", "").replace("_", "\\_") + "%");
        }
        if (after != null) {
            sql.append(" AND c.pile_id > ?");
            args.add(after);
        }
        sql.append(" ORDER BY c.pile_id LIMIT ?");
        args.add(limit + 1);
        List<ChargerRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ChargerRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), (Double) rs.getObject(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getLong(11), rs.getTimestamp(12).toInstant(), rs.getInt(13) == 1,
                            rs.getTimestamp(14) == null ? null : rs.getTimestamp(14).toInstant()));
                }
            }
        }
        return page(rows, limit, ChargerRow::pileId);
    }

    public record TagRow(String idTag, String status, Instant expiryDate, String parentIdTag, long version,
                         Instant updatedAt) {
    }

    public record TagFilter(String prefix, String status, String parent) {
    }

    public Page<TagRow> idTags(TagFilter f, int limit, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id_tag, status, expiry_date, parent_id_tag, version, updated_at "
                + "FROM id_tag_list WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.prefix() != null) {
            sql.append(" AND id_tag LIKE ?");
            args.add(f.prefix().replace("%", "").replace("_", "\\_") + "%");
        }
        if (f.status() != null) {
            sql.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.parent() != null) {
            sql.append(" AND parent_id_tag = ?");
            args.add(f.parent());
        }
        if (after != null) {
            sql.append(" AND id_tag > ?");
            args.add(after);
        }
        sql.append(" ORDER BY id_tag LIMIT ?");
        args.add(limit + 1);
        List<TagRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new TagRow(rs.getString(1), rs.getString(2),
                            rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(), rs.getString(4),
                            rs.getLong(5), rs.getTimestamp(6).toInstant()));
                }
            }
        }
        return page(rows, limit, TagRow::idTag);
    }

    /**
     * One tariff version as lists show it; {@code status}: SCHEDULED (not yet in force at the time asked), IN_FORCE,
     * SUPERSEDED (a later version is in force), CANCELLED.
     */
    public record TariffVersionRow(String scope, int number, String currency, Instant effectiveFrom,
                                   Instant requestedFrom, String submittedBy, String publishedBy, Instant publishedAt,
                                   Instant tookEffectAt, Instant cancelledAt, String status) {
    }

    /**
     * Tariff versions by scope, then newest version first; {@code scope} narrows to one; {@code after} is the
     * {@code next} of the previous page (scope and number of its last row). Status as of {@code now}.
     */
    public Page<TariffVersionRow> tariffVersions(String scope, int limit, String after, Instant now)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT scope, number, currency, effective_from, requested_from, "
                + "submitted_by, published_by, published_at, took_effect_at, cancelled_at FROM tariff_version");
        List<Object> args = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (scope != null) {
            where.add("scope = ?");
            args.add(scope);
        }
        if (after != null) {
            int bar = after.lastIndexOf('|');
            int number;
            try {
                number = Integer.parseInt(after.substring(bar + 1));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("after must be the next of a previous page");
            }
            where.add("(scope > ? OR (scope = ? AND number < ?))");
            args.add(after.substring(0, bar));
            args.add(after.substring(0, bar));
            args.add(number);
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(" ORDER BY scope, number DESC LIMIT ?");
        args.add(limit + 1);
        List<TariffVersionRow> rows = new ArrayList<>();
        // the newest version of each scope in force now, to tell IN_FORCE from SUPERSEDED
        java.util.Map<String, Integer> inForce = new java.util.HashMap<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new TariffVersionRow(rs.getString(1), rs.getInt(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(), rs.getString(6),
                            rs.getString(7), rs.getTimestamp(8).toInstant(), instant(rs.getTimestamp(9)),
                            instant(rs.getTimestamp(10)), null));
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT scope, MAX(number) FROM tariff_version WHERE "
                    + "cancelled_at IS NULL AND effective_from <= ? GROUP BY scope")) {
                q.setTimestamp(1, Timestamp.from(now));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        inForce.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
        }
        List<TariffVersionRow> withStatus = new ArrayList<>();
        for (TariffVersionRow r : rows) {
            Integer current = inForce.get(r.scope());
            String status = r.cancelledAt() != null ? "CANCELLED" : r.effectiveFrom().isAfter(now) ? "SCHEDULED"
                    : current != null && current == r.number() ? "IN_FORCE" : "SUPERSEDED";
            withStatus.add(new TariffVersionRow(r.scope(), r.number(), r.currency(), r.effectiveFrom(),
                    r.requestedFrom(), r.submittedBy(), r.publishedBy(), r.publishedAt(), r.tookEffectAt(),
                    r.cancelledAt(), status));
        }
        return page(withStatus, limit, r -> r.scope() + "|" + r.number());
    }

    /** One charging order as lists, the CSV export and receipts show it; money in the tariff's currency. */
    public record OrderRow(String pileId, int transactionId, String stationId, int connectorId, String idTag,
                           String status, Instant startedAt, Instant stoppedAt, long meterStart, Long meterStop,
                           Long energyWh, String stopReason, String endedBy, String tariffScope, Integer tariffVersion,
                           String currency, java.math.BigDecimal electricity, java.math.BigDecimal service,
                           java.math.BigDecimal idle, java.math.BigDecimal total, String flags, int ratedCount,
                           String billJson) {
    }

    /**
     * Filters of the orders list; null: any. {@code from} / {@code to}: the start time, from inclusive, to not;
     * {@code status}: PRICED (has a bill), UNPRICED (no tariff applied, or not yet), FLAGGED (meter anomalies).
     */
    public record OrderFilter(String stationId, String pileId, String idTag, Instant from, Instant to, String status) {
    }

    private static final String ORDER_COLUMNS = "pile_id, transaction_id, station_id, connector_id, id_tag, status, "
            + "started_at, stopped_at, meter_start, meter_stop, energy_wh, stop_reason, ended_by, tariff_scope, "
            + "tariff_version, currency, electricity, service, idle, total, flags, rated_count, bill_json";

    /**
     * Orders newest first; {@code after} is the {@code next} of the previous page (start time, pile and transaction
     * of its last row).
     */
    public Page<OrderRow> orders(OrderFilter f, int limit, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + ORDER_COLUMNS + " FROM charging_order");
        List<Object> args = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (f.stationId() != null) {
            where.add("station_id = ?");
            args.add(f.stationId());
        }
        if (f.pileId() != null) {
            where.add("pile_id = ?");
            args.add(f.pileId());
        }
        if (f.idTag() != null) {
            where.add("id_tag = ?");
            args.add(f.idTag());
        }
        if (f.from() != null) {
            where.add("started_at >= ?");
            args.add(f.from());
        }
        if (f.to() != null) {
            where.add("started_at < ?");
            args.add(f.to());
        }
        if (f.status() != null) {
            where.add(switch (f.status()) {
                case "PRICED" -> "total IS NOT NULL";
                case "UNPRICED" -> "total IS NULL";
                case "FLAGGED" -> "flags IS NOT NULL";
                default -> throw new IllegalArgumentException("status must be PRICED, UNPRICED or FLAGGED");
            });
        }
        if (after != null) {
            String[] p = after.split("\\|");
            if (p.length != 3) {
                throw new IllegalArgumentException("after must be the next of a previous page");
            }
            Instant at = Instant.parse(p[0]);
            int tx = Integer.parseInt(p[2]);
            where.add("(started_at < ? OR (started_at = ? AND (pile_id < ? OR (pile_id = ? AND transaction_id < ?))))");
            args.addAll(List.of(at, at, p[1], p[1], tx));
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(" ORDER BY started_at DESC, pile_id DESC, transaction_id DESC LIMIT ?");
        args.add(limit + 1);
        List<OrderRow> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(order(rs));
                }
            }
        }
        return page(rows, limit, r -> r.startedAt() + "|" + r.pileId() + "|" + r.transactionId());
    }

    /** One order, or null. */
    public OrderRow order(String pileId, int transactionId) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement("SELECT "
                + ORDER_COLUMNS + " FROM charging_order WHERE pile_id = ? AND transaction_id = ?")) {
            s.setString(1, pileId);
            s.setInt(2, transactionId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? order(rs) : null;
            }
        }
    }

    private static OrderRow order(ResultSet rs) throws SQLException {
        String currency = rs.getString(16);
        return new OrderRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                rs.getString(6), rs.getTimestamp(7).toInstant(), instant(rs.getTimestamp(8)), rs.getLong(9),
                (Long) rs.getObject(10, Long.class), (Long) rs.getObject(11, Long.class), rs.getString(12),
                rs.getString(13), rs.getString(14), (Integer) rs.getObject(15, Integer.class), currency,
                money(rs.getBigDecimal(17), currency), money(rs.getBigDecimal(18), currency),
                money(rs.getBigDecimal(19), currency), money(rs.getBigDecimal(20), currency),
                rs.getString(21), rs.getInt(22), rs.getString(23));
    }

    /** An amount in its currency's minor unit, as the bill rounded it (the column keeps four places). */
    private static java.math.BigDecimal money(java.math.BigDecimal amount, String currency) {
        if (amount == null || currency == null) {
            return amount;
        }
        return amount.setScale(Math.max(java.util.Currency.getInstance(currency).getDefaultFractionDigits(), 0),
                java.math.RoundingMode.HALF_UP);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, String> key) {
        if (rows.size() > limit) {
            List<T> items = rows.subList(0, limit);
            return new Page<>(List.copyOf(items), key.apply(items.get(limit - 1)));
        }
        return new Page<>(rows, null);
    }

    private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Instant t) {
                s.setTimestamp(i + 1, Timestamp.from(t));
            } else {
                s.setObject(i + 1, a);
            }
        }
    }
}
