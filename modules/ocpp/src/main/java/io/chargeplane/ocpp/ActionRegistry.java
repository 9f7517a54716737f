package io.chargeplane.ocpp;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Maps action names to their records, and records back to their action. */
public final class ActionRegistry {
    private final Map<String, OcppAction> byName;
    private final Map<Class<?>, OcppAction> byRequestType;
    private final Set<String> knownButUnsupported;

    public ActionRegistry(List<OcppAction> actions, Set<String> knownButUnsupported) {
        this.byName = actions.stream().collect(Collectors.toUnmodifiableMap(OcppAction::name, Function.identity()));
        this.byRequestType = actions.stream()
                .collect(Collectors.toUnmodifiableMap(OcppAction::requestType, Function.identity()));
        this.knownButUnsupported = Set.copyOf(knownButUnsupported);
    }

    public Optional<OcppAction> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public OcppAction forRequest(OcppRequest request) {
        OcppAction a = byRequestType.get(request.getClass());
        if (a == null) {
            throw new IllegalArgumentException("not an OCPP request record: " + request.getClass());
        }
        return a;
    }

    /** Actions of the protocol family (for example the 1.6 security extension) that this server does not handle. */
    public boolean isKnownButUnsupported(String name) {
        return knownButUnsupported.contains(name);
    }

    public Collection<OcppAction> all() {
        return byName.values();
    }
}
