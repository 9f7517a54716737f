package io.chargeplane.control.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Content-addressed files (station photos): the id is the SHA-256 of the bytes, so an upload repeated after a
 * failure stores nothing twice, and a half-written file never appears under its id (written aside, then moved).
 * On the file system by default ({@code chargeplane.blobs.dir}); in a cluster the directory must be shared.
 */
public final class BlobStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private final Path dir;

    public BlobStore(Path dir) {
        this.dir = dir;
    }

    public String put(byte[] content) {
        String id = sha256(content);
        Path target = path(id);
        if (Files.exists(target)) {
            return id;
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), id, ".part");
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<byte[]> get(String id) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            Path p = path(id);
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String id) {
        return ID.matcher(id).matches() && Files.exists(path(id));
    }

    private Path path(String id) {
        return dir.resolve(id.substring(0, 2)).resolve(id);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
