package io.chargeplane.control.blob;

import java.sql.SQLException;
import java.time.Instant;

/**
 * The links chargers use without signing in: {@code <public base URL><path><signed token><suffix>}, at most
 * {@link #MAX_URL} characters (OCPP's anyURI limit for firmware and diagnostics locations). The base is the address
 * chargers reach this server at ({@code chargeplane.public-base-url}), never localhost.
 */
public final class PublicLinks {
    /** The longest location OCPP 1.6 accepts (UpdateFirmware.location, GetDiagnostics.location: anyURI 512). */
    public static final int MAX_URL = 512;

    /** Why no link could be made: no public base URL, or one too long; the message says which and what to do. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    private final String base;
    private final SignedLinks signer;

    public PublicLinks(String base, SignedLinks signer) {
        this.base = base == null ? "" : base.replaceAll("/+$", "");
        this.signer = signer;
    }

    public boolean configured() {
        return !base.isBlank();
    }

    /** The link granting {@code subject} until {@code until}; {@link Unavailable} without a base or when too long. */
    public String link(String path, String subject, Instant until, String suffix) throws SQLException {
        if (!configured()) {
            throw new Unavailable("links for chargers need chargeplane.public-base-url (CHARGEPLANE_PUBLIC_BASE_URL): "
                    + "the address chargers reach this server at");
        }
        String url = base + path + signer.token(subject, until) + suffix;
        if (url.length() > MAX_URL) {
            throw new Unavailable("the link would have " + url.length() + " characters, more than " + MAX_URL
                    + ": shorten the public base URL or the file name");
        }
        return url;
    }
}
