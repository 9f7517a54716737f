package io.chargeplane.control.blob;

import io.chargeplane.control.db.Database;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens for the links chargers use without signing in (a firmware download, a diagnostics upload): what the link
 * is for ({@code subject}: a file's id, a charger's id) and until when, signed with HMAC-SHA256 under a secret
 * kept in the database, so that every node signs and checks alike and a link survives a restart. URL-safe, about
 * 30 characters more than the subject.
 */
public final class SignedLinks {
    private static final int MAC_BYTES = 16;
    private final Database db;
    private volatile byte[] secret;

    public SignedLinks(Database db) {
        this.db = db;
    }

    public String token(String subject, Instant expires) throws SQLException {
        byte[] s = subject.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(s.length + 8 + MAC_BYTES);
        b.put(s).putLong(expires.getEpochSecond()).put(mac(s, expires.getEpochSecond()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The subject a token grants, if the token is ours and not expired at {@code now}. */
    public Optional<String> check(String token, Instant now) throws SQLException {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length <= 8 + MAC_BYTES) {
            return Optional.empty();
        }
        byte[] subject = Arrays.copyOfRange(raw, 0, raw.length - 8 - MAC_BYTES);
        long expires = ByteBuffer.wrap(raw, subject.length, 8).getLong();
        byte[] mac = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
        if (!MessageDigest.isEqual(mac, mac(subject, expires)) || now.getEpochSecond() > expires) {
            return Optional.empty();
        }
        return Optional.of(new String(subject, StandardCharsets.UTF_8));
    }

    private byte[] mac(byte[] subject, long expires) throws SQLException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            mac.update(subject);
            mac.update(ByteBuffer.allocate(8).putLong(expires).array());
            return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The database's link-signing secret, made on first use (a node racing another to make it reads the first's). */
    private byte[] secret() throws SQLException {
        byte[] s = secret;
        if (s != null) {
            return s;
        }
        try (Connection c = db.dataSource().getConnection()) {
            String stored = read(c);
            if (stored == null) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO server_secret (name, secret) VALUES ('links', ?)")) {
                    p.setString(1, Base64.getEncoder().encodeToString(fresh));
                    p.executeUpdate();
                } catch (SQLException raced) {
                    // another node made it first
                }
                stored = read(c);
            }
            secret = Base64.getDecoder().decode(stored);
            return secret;
        }
    }

    private static String read(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT secret FROM server_secret WHERE name = 'links'");
             ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
