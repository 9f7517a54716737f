package io.chargeplane.control.account;

import io.chargeplane.control.db.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator bearer tokens: 256 random bits handed out once at login; the database keeps only their SHA-256 digest,
 * the account and role they stand for, the expiry and the revocation. Every node checks a token against the same
 * table, so a logout or a role change holds on every node at once. Blocking: call it on the blocking dispatcher.
 */
public final class TokenStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    public TokenStore(Database db) {
        this.db = db;
    }

    /** Who a valid token stands for. */
    public record Principal(String username, Role role, Instant expiresAt) {
    }

    public record Issued(String token, Instant expiresAt) {
    }

    public Issued issue(String username, Role role, Instant now, Duration ttl) throws SQLException {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = now.plus(ttl);
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO operator_token "
                     + "(token_digest, username, role, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, digest(token));
            s.setString(2, username);
            s.setString(3, role.name());
            s.setTimestamp(4, Timestamp.from(now));
            s.setTimestamp(5, Timestamp.from(expires));
            s.executeUpdate();
        }
        return new Issued(token, expires);
    }

    public Optional<Principal> resolve(String token, Instant now) throws SQLException {
        return Optional.ofNullable(resolveAll(List.of(token), now).get(token));
    }

    /**
     * The principals of those of these tokens that are known, not expired and not revoked, in one query (the
     * lookups of requests arriving together are batched: {@link Accounts#authenticate}).
     */
    public Map<String, Principal> resolveAll(Collection<String> tokens, Instant now) throws SQLException {
        Map<String, String> byDigest = new HashMap<>();
        for (String token : tokens) {
            byDigest.put(digest(token), token);
        }
        Map<String, Principal> found = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT token_digest, username, role, expires_at "
                     + "FROM operator_token WHERE token_digest = ANY(?) AND revoked_at IS NULL AND expires_at > ?")) {
            s.setArray(1, c.createArrayOf("varchar", byDigest.keySet().toArray(String[]::new)));
            s.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.put(byDigest.get(rs.getString(1)), new Principal(rs.getString(2),
                            Role.valueOf(rs.getString(3)), rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return found;
    }

    public void revoke(String token, Instant now) throws SQLException {
        update("UPDATE operator_token SET revoked_at = ? WHERE token_digest = ? AND revoked_at IS NULL", now, digest(token));
    }

    /** Every token of an account: after a password or role change, or when it is locked out by an administrator. */
    public void revokeAll(String username, Instant now) throws SQLException {
        update("UPDATE operator_token SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL", now, username);
    }

    /** Expired tokens are of no use to anyone: dropped after a day, revoked ones too. */
    public int purge(Instant now) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM operator_token WHERE expires_at < ? OR revoked_at < ?")) {
            Timestamp dayAgo = Timestamp.from(now.minus(Duration.ofDays(1)));
            s.setTimestamp(1, dayAgo);
            s.setTimestamp(2, dayAgo);
            return s.executeUpdate();
        }
    }

    private void update(String sql, Instant now, String key) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setString(2, key);
            s.executeUpdate();
        }
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
