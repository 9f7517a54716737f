package io.chargeplane.control.diagnostics;

import io.chargeplane.control.blob.BlobStore;
import io.chargeplane.control.blob.PublicLinks;
import io.chargeplane.control.blob.SignedLinks;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.rules.CommandRules;
import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Diagnostics files chargers upload after a GetDiagnostics, to the link it carried (the charger's id in a signed,
 * expiring token): the bytes in the blob store, the file's charger, name, SHA-256 and size in
 * {@code diagnostics_file}, for operators to list and download.
 */
public final class DiagnosticsFiles {
    public record DiagnosticsFile(String diagnosticsId, String pileId, String fileName, String sha256, long sizeBytes,
                                  Instant uploadedAt) {
    }

    /** Where chargers upload: {@code <public base>/api/diagnostics/<token>/<their file name>}. */
    public static final String LINK_PATH = "/api/diagnostics/";
    /** How long an upload link works once the charger can have it: it collects its logs first. */
    public static final Duration LINK_VALIDITY = Duration.ofHours(24);
    private static final String SUBJECT = "diagnostics:";

    private final Database db;
    private final BlobStore blobs;
    private final PublicLinks links;
    private final SignedLinks signer;

    public DiagnosticsFiles(Database db, BlobStore blobs, PublicLinks links, SignedLinks signer) {
        this.db = db;
        this.blobs = blobs;
        this.links = links;
        this.signer = signer;
    }

    /**
     * The upload link of {@code pileId} for a GetDiagnostics asked at {@code askedAt} that may wait
     * {@code offlineWait} for the charger: it works for {@link #LINK_VALIDITY} after the wait. The same arguments
     * give the same link (a batch resuming after a crash hands out the one it handed out before).
     */
    public String uploadLink(String pileId, Instant askedAt, Duration offlineWait) throws SQLException {
        Duration wait = offlineWait != null ? offlineWait : CommandRules.defaultWait(new ChargerOperation.GetDiagnostics(
                null, null, null, null, null));
        return links.link(LINK_PATH, SUBJECT + pileId, askedAt.plus(wait).plus(LINK_VALIDITY), "");
    }

    /** The charger an upload link's token is for, if the token is ours, for an upload, and not expired. */
    public Optional<String> uploader(String token, Instant now) throws SQLException {
        return signer.check(token, now).filter(s -> s.startsWith(SUBJECT)).map(s -> s.substring(SUBJECT.length()));
    }

    /**
     * What one target of a batch is sent: a GetDiagnostics without a location (a batch's) gets the target's own
     * upload link; any other operation goes as it is. Made on {@code blocking} (the link's secret may have to be
     * read first); a failed future when no link can be made ({@link PublicLinks.Unavailable}).
     */
    public CompletionStage<ChargerOperation> forTarget(ChargerOperation op, String pileId, Instant askedAt,
                                                       Duration offlineWait, Executor blocking) {
        if (!(op instanceof ChargerOperation.GetDiagnostics g) || g.location() != null) {
            return CompletableFuture.completedFuture(op);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new ChargerOperation.GetDiagnostics(uploadLink(pileId, askedAt, offlineWait), g.retries(),
                        g.retryIntervalSeconds(), g.from(), g.to());
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, blocking);
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
