package io.chargeplane.gateway.api;

import io.chargeplane.control.account.TokenStore;
import java.util.Map;
import java.util.Optional;

/** One matched request: its path parameters, the signed-in operator (absent on public routes), the bearer token. */
public record Call(Map<String, String> params, TokenStore.Principal principal, String token, String remoteAddress) {

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("no path parameter " + name);
        }
        return v;
    }

    public Optional<TokenStore.Principal> operator() {
        return Optional.ofNullable(principal);
    }

    /** Who did it and from where, for the journal and the audit log. */
    public io.chargeplane.control.Origin origin() {
        return new io.chargeplane.control.Origin(by(), remoteAddress);
    }

    /** Who did it, for the journal: the operator's user name. */
    public String by() {
        return principal == null ? "anonymous" : principal.username();
    }
}
