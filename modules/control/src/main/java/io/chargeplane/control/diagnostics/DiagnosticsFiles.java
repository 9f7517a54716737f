package io.chargeplane.control.diagnostics;

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
import java.util.UUID;

/**
 * Diagnostics files chargers upload after a GetDiagnostics, to the link it carried (the charger's id in a signed,
 * expiring token): the bytes in the blob store, the file's charger, name, SHA-256 and size in
 * {@code diagnostics_file}, for operators to list and download.
 */
public final class DiagnosticsFiles {
    public record DiagnosticsFile(String diagnosticsId, String pileId, String fileName, String sha256, long sizeBytes,
                                  Instant uploadedAt) {
    }

    private final Database db;
    private final BlobStore blobs;

    public DiagnosticsFiles(Database db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    public DiagnosticsFile store(String pileId, String fileName, byte[] content, Instant at) throws SQLException {
        String sha = blobs.put(content);
        DiagnosticsFile f = new DiagnosticsFile(UUID.randomUUID().toString(), pileId, fileName, sha, content.length, at);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO diagnostics_file (diagnostics_id, pile_id, file_name, sha256, size_bytes, uploaded_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, f.diagnosticsId());
            s.setString(2, pileId);
            s.setString(3, fileName);
            s.setString(4, sha);
            s.setLong(5, content.length);
            s.setTimestamp(6, Timestamp.from(at));
            s.executeUpdate();
        }
        return f;
    }

    /** The newest first; of one charger when {@code pileId} is set. */
    public List<DiagnosticsFile> list(String pileId, int limit) throws SQLException {
        List<DiagnosticsFile> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT diagnostics_id, pile_id, file_name, sha256, size_bytes, uploaded_at FROM diagnostics_file"
                        + (pileId != null ? " WHERE pile_id = ?" : "") + " ORDER BY uploaded_at DESC LIMIT ?")) {
            int i = 1;
            if (pileId != null) {
                s.setString(i++, pileId);
            }
            s.setInt(i, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new DiagnosticsFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getTimestamp(6).toInstant()));
                }
            }
        }
        return out;
    }

    /** The file's record and bytes. */
    public Optional<DiagnosticsFile> get(String diagnosticsId) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT diagnostics_id, pile_id, file_name, sha256, size_bytes, uploaded_at FROM diagnostics_file "
                        + "WHERE diagnostics_id = ?")) {
            s.setString(1, diagnosticsId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new DiagnosticsFile(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5), rs.getTimestamp(6).toInstant())) : Optional.empty();
            }
        }
    }

    public Optional<byte[]> content(DiagnosticsFile f) {
        return blobs.get(f.sha256());
    }
}
