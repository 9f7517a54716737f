package io.chargeplane.control.firmware;

import io.chargeplane.control.Origin;
import io.chargeplane.control.blob.BlobStore;
import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Firmware files for chargers: uploaded by operators (the bytes in the blob store under their SHA-256, the name,
 * version and size in {@code firmware_file}, the upload in the audit log), and fetched by chargers through
 * links that carry an expiring token in their path: {@code <public base>/api/firmware/<token>/<file name>}
 * ({@link io.chargeplane.control.blob.SignedLinks}: the file's id and the link's expiry, signed).
 */
public final class FirmwareFiles {
    public record FirmwareFile(String firmwareId, String fileName, String version, long sizeBytes, String uploadedBy,
                               Instant uploadedAt) {
        public String sha256() {
            return firmwareId;
        }
    }

    private final Database db;
    private final BlobStore blobs;
    private final io.chargeplane.control.blob.SignedLinks links;

    public FirmwareFiles(Database db, BlobStore blobs, io.chargeplane.control.blob.SignedLinks links) {
        this.db = db;
        this.blobs = blobs;
        this.links = links;
    }

    /** Stores the file (again: the same bytes are one file) and records who uploaded it. */
    public FirmwareFile upload(byte[] content, String fileName, String version, Origin origin, Instant at)
            throws SQLException {
        String id = blobs.put(content);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            Optional<FirmwareFile> had = find(c, id);
            if (had.isPresent()) {
                c.rollback();
                return had.get();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO firmware_file (firmware_id, file_name, version, "
                    + "size_bytes, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, fileName);
                s.setString(3, version);
                s.setLong(4, content.length);
                s.setString(5, origin.by());
                s.setTimestamp(6, Timestamp.from(at));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_log (at, username, address, entity_type, "
                    + "entity_id, seq_nr, action, before_json, after_json) VALUES (?, ?, ?, 'firmware', ?, 1, "
                    + "'firmware.uploaded', NULL, ?)")) {
                s.setTimestamp(1, Timestamp.from(at));
                s.setString(2, origin.by());
                s.setString(3, origin.address());
                s.setString(4, id);
                s.setString(5, "{\"fileName\":" + quote(fileName) + ",\"version\":" + quote(version)
                        + ",\"sizeBytes\":" + content.length + "}");
                s.executeUpdate();
            }
            c.commit();
            return new FirmwareFile(id, fileName, version, content.length, origin.by(), at);
        }
    }

    public Optional<FirmwareFile> get(String firmwareId) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return find(c, firmwareId);
        }
    }

    public List<FirmwareFile> list(int limit) throws SQLException {
        List<FirmwareFile> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT firmware_id, file_name, version, size_bytes, uploaded_by, uploaded_at FROM firmware_file "
                        + "ORDER BY uploaded_at DESC, firmware_id LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    public Optional<byte[]> content(String firmwareId) {
        return blobs.get(firmwareId);
    }

    /** The token of a link to {@code firmwareId} valid until {@code expires}. */
    public String token(String firmwareId, Instant expires) throws SQLException {
        return links.token(firmwareId, expires);
    }

    /** What a link's token grants: the file's id, if the token is ours and not expired at {@code now}. */
    public Optional<String> check(String token, Instant now) throws SQLException {
        return links.check(token, now);
    }

    private static Optional<FirmwareFile> find(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT firmware_id, file_name, version, size_bytes, uploaded_by, "
                + "uploaded_at FROM firmware_file WHERE firmware_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static FirmwareFile row(ResultSet rs) throws SQLException {
        return new FirmwareFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getTimestamp(6).toInstant());
    }

    private static String quote(String s) {
        return io.chargeplane.control.ControlJson.MAPPER.valueToTree(s).toString();
    }
}
