package io.chargeplane.ocpp.v16;

import io.chargeplane.ocpp.ActionRegistry;
import io.chargeplane.ocpp.CallReader;
import io.chargeplane.ocpp.OcppAction;
import io.chargeplane.ocpp.SchemaValidator;
import java.util.Set;
import java.util.stream.Collectors;

/** OCPP 1.6J: the subprotocol name, the action registry and a ready validator and reader. */
public final class Ocpp16 {
    private Ocpp16() {
    }

    public static final String SUBPROTOCOL = "ocpp1.6";

    /** Actions of the OCPP 1.6 security whitepaper: recognised, answered NotSupported. */
    public static final Set<String> SECURITY_EXTENSION = Set.of("SecurityEventNotification", "SignCertificate",
            "CertificateSigned", "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds",
            "GetLog", "InstallCertificate", "LogStatusNotification", "SignedFirmwareStatusNotification",
            "SignedUpdateFirmware");

    /** Messages that carry billing data: never refused for an extra field or a timestamp without offset. */
    public static final Set<String> BILLING_ACTIONS = Set.of("StartTransaction", "StopTransaction", "MeterValues");

    public static final ActionRegistry REGISTRY = new ActionRegistry(Ocpp16ActionList.ALL, SECURITY_EXTENSION);

    public static final SchemaValidator VALIDATOR = new SchemaValidator("ocpp16/schemas").preload(
            Ocpp16ActionList.ALL.stream()
                    .flatMap(a -> java.util.stream.Stream.of(a.schemaName(false), a.schemaName(true)))
                    .collect(Collectors.toSet()));

    public static final CallReader READER = new CallReader(REGISTRY, VALIDATOR, BILLING_ACTIONS);

    public static OcppAction action(String name) {
        return REGISTRY.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown action " + name));
    }
}
