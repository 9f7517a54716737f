package io.chargeplane.gateway.ocpp.v16;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.control.charger.MeterReadings;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import io.chargeplane.control.telemetry.MeterSample;
import io.chargeplane.gateway.ocpp.ProtocolAdapter;
import io.chargeplane.ocpp.CallReader;
import io.chargeplane.ocpp.ErrorCode;
import io.chargeplane.ocpp.Frame;
import io.chargeplane.ocpp.FrameCodec;
import io.chargeplane.ocpp.OcppAction;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.Violation;
import io.chargeplane.ocpp.v16.Core;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.ocpp.v16.FirmwareManagement;
import io.chargeplane.ocpp.v16.Ocpp16;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** OCPP 1.6J: its requests become the pile's reports, the pile's replies and operations become 1.6 frames. */
public final class Ocpp16Adapter implements ProtocolAdapter {
    public static final Ocpp16Adapter INSTANCE = new Ocpp16Adapter();
    private static final ProtocolAdapter.Heartbeat HEARTBEAT = new ProtocolAdapter.Heartbeat();

    private Ocpp16Adapter() {
    }

    @Override
    public String subprotocol() {
        return Ocpp16.SUBPROTOCOL;
    }

    // ---- the charger's calls --------------------------------------------------------------------------------

    @Override
    public Inbound read(Frame.Call call, String pileId, Instant receivedAt) {
        CallReader.Read read = Ocpp16.READER.read(call);
        if (read instanceof CallReader.Refused r) {
            return new Refused(FrameCodec.callError(call.messageId(), r.code(), r.description(), r.details()));
        }
        CallReader.Accepted accepted = (CallReader.Accepted) read;
        Object request = accepted.request();
        String action = call.action();
        if (request instanceof Core.MeterValuesRequest mv) { // by far the most frequent
            return report(accepted, new ChargerReport.MeterReported(mv.connectorId(), mv.transactionId(),
                    samples(pileId, mv.connectorId(), mv.transactionId(), mv.meterValue(), receivedAt)), null);
        } else if (request instanceof Core.HeartbeatRequest) {
            return HEARTBEAT;
        } else if (request instanceof Core.StatusNotificationRequest st) {
            return report(accepted, new ChargerReport.StatusReported(st.connectorId(), st.status().wire(),
                    st.errorCode().wire(), st.info(), st.vendorErrorCode(), st.timestamp()), null);
        } else if (request instanceof Core.StartTransactionRequest st) {
            return report(accepted, new ChargerReport.SessionStartReported(st.connectorId(), st.idTag(),
                    st.meterStart(), st.timestamp(), st.reservationId()), st.idTag());
        } else if (request instanceof Core.StopTransactionRequest st) {
            // a stop with an empty id tag is recorded as one without: refusing it would lose the session's figures
            String lookUp = st.idTag() != null && !st.idTag().isBlank() ? st.idTag() : null;
            return report(accepted, new ChargerReport.SessionEndReported(st.transactionId(), st.meterStop(),
                    st.timestamp(), st.reason() == null ? null : st.reason().wire(), st.idTag(),
                    samples(pileId, 0, st.transactionId(), st.transactionData(), receivedAt)), lookUp);
        } else if (request instanceof Core.BootNotificationRequest boot) {
            return report(accepted, new ChargerReport.BootReported(boot.chargePointVendor(), boot.chargePointModel(),
                    boot.chargePointSerialNumber() != null ? boot.chargePointSerialNumber()
                            : boot.chargeBoxSerialNumber(), boot.firmwareVersion()), null);
        } else if (request instanceof Core.AuthorizeRequest a) {
            return new Authorize(a.idTag());
        } else if (request instanceof Core.DataTransferRequest dt) {
            return new DataTransfer(dt.vendorId());
        } else if (request instanceof FirmwareManagement.FirmwareStatusNotificationRequest fw) {
            return report(accepted, new ChargerReport.FirmwareStatusReported(fw.status().wire()), null);
        } else if (request instanceof FirmwareManagement.DiagnosticsStatusNotificationRequest d) {
            return report(accepted, new ChargerReport.DiagnosticsStatusReported(d.status().wire()), null);
        }
        return new Refused(FrameCodec.callError(call.messageId(), ErrorCode.NotSupported,
                action + " is not handled by this server"));
    }

    private static Report report(CallReader.Accepted accepted, ChargerReport report, String authorizeIdTag) {
        return new Report(report, authorizeIdTag,
                tolerated(accepted.action().name(), accepted.tolerated()));
    }

    private static List<ChargerReport.Tolerated> tolerated(String action, List<Violation> violations) {
        if (violations.isEmpty()) {
            return List.of();
        }
        List<ChargerReport.Tolerated> out = new ArrayList<>(violations.size());
        for (Violation v : violations) {
            String kind = "format".equals(v.keyword()) ? "TIMESTAMP_WITHOUT_OFFSET" : "SCHEMA_VIOLATION_TOLERATED";
            out.add(new ChargerReport.Tolerated(kind, action + " " + v.path() + ": " + v.message()));
        }
        return out;
    }

    /** Meter values as telemetry rows, with the defaults OCPP 1.6 gives to omitted fields. */
    static List<MeterSample> samples(String pileId, int connectorId, Integer transactionId,
                                     List<DataTypes.MeterValue> values, Instant receivedAt) {
        List<MeterSample> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (DataTypes.MeterValue mv : values) {
            if (mv.sampledValue() == null) {
                continue;
            }
            for (DataTypes.SampledValue sv : mv.sampledValue()) {
                String format = sv.format() == null ? "Raw" : sv.format().wire();
                out.add(new MeterSample(pileId, connectorId, transactionId, mv.timestamp(), receivedAt,
                        sv.measurand() == null ? MeterReadings.ENERGY_REGISTER : sv.measurand().wire(),
                        sv.phase() == null ? null : sv.phase().wire(),
                        sv.location() == null ? "Outlet" : sv.location().wire(),
                        sv.unit() == null ? defaultUnit(sv) : sv.unit().wire(),
                        sv.context() == null ? "Sample.Periodic" : sv.context().wire(),
                        format, sv.value(), "Raw".equals(format) ? number(sv.value()) : null));
            }
        }
        return out;
    }

    private static String defaultUnit(DataTypes.SampledValue sv) {
        return sv.measurand() == null || sv.measurand().wire().startsWith("Energy.Active") ? "Wh" : null;
    }

    private static Double number(String value) {
        try {
            return value == null ? null : Double.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- the pile's replies ---------------------------------------------------------------------------------

    @Override
    public String answer(String callId, Report report, ChargerReply reply) {
        if (reply instanceof ChargerReply.Refusal r) {
            return FrameCodec.callError(callId, switch (r.reason()) {
                case NOT_BOUND -> ErrorCode.SecurityError;
                case NOT_SUPPORTED -> ErrorCode.NotSupported;
                case INTERNAL -> ErrorCode.InternalError;
            }, r.description());
        }
        return FrameCodec.callResult(callId, response(report.report(), reply));
    }

    private static Object response(ChargerReport report, ChargerReply reply) {
        if (reply instanceof ChargerReply.SessionStartAnswer a) {
            return new Core.StartTransactionResponse(idTagInfo(a.authorization()), a.transactionId());
        } else if (reply instanceof ChargerReply.SessionEndAnswer a) {
            return new Core.StopTransactionResponse(a.authorization() == null ? null : idTagInfo(a.authorization()));
        } else if (reply instanceof ChargerReply.BootAnswer a) {
            return bootResponse(a);
        } else if (report instanceof ChargerReport.MeterReported) {
            return new Core.MeterValuesResponse();
        } else if (report instanceof ChargerReport.StatusReported) {
            return new Core.StatusNotificationResponse();
        } else if (report instanceof ChargerReport.FirmwareStatusReported) {
            return new FirmwareManagement.FirmwareStatusNotificationResponse();
        } else if (report instanceof ChargerReport.DiagnosticsStatusReported) {
            return new FirmwareManagement.DiagnosticsStatusNotificationResponse();
        }
        throw new IllegalArgumentException("no OCPP 1.6 answer to " + report.getClass().getSimpleName()
                + " with " + reply.getClass().getSimpleName());
    }

    private static Core.BootNotificationResponse bootResponse(ChargerReply.BootAnswer a) {
        return new Core.BootNotificationResponse(switch (a.registration()) {
            case ACCEPTED -> DataTypes.RegistrationStatus.ACCEPTED;
            case PENDING -> DataTypes.RegistrationStatus.PENDING;
            case REJECTED -> DataTypes.RegistrationStatus.REJECTED;
        }, a.serverTime(), a.heartbeatSeconds());
    }

    static DataTypes.IdTagInfo idTagInfo(Authorization a) {
        return new DataTypes.IdTagInfo(switch (a.status()) {
            case ACCEPTED -> DataTypes.AuthorizationStatus.ACCEPTED;
            case BLOCKED -> DataTypes.AuthorizationStatus.BLOCKED;
            case EXPIRED -> DataTypes.AuthorizationStatus.EXPIRED;
            case INVALID -> DataTypes.AuthorizationStatus.INVALID;
            case CONCURRENT_TX -> DataTypes.AuthorizationStatus.CONCURRENT_TX;
        }, a.expiryDate(), a.parentIdTag());
    }

    @Override
    public String heartbeatAnswer(String callId, Instant serverTime) {
        return FrameCodec.callResult(callId, new Core.HeartbeatResponse(serverTime));
    }

    @Override
    public String dataTransferAnswer(String callId, boolean vendorKnown) {
        return FrameCodec.callResult(callId, new Core.DataTransferResponse(vendorKnown
                ? DataTypes.DataTransferStatus.ACCEPTED : DataTypes.DataTransferStatus.UNKNOWN_VENDOR_ID, null));
    }

    @Override
    public String authorizeAnswer(String callId, Authorization authorization) {
        return FrameCodec.callResult(callId, new Core.AuthorizeResponse(idTagInfo(authorization)));
    }

    // ---- operations -----------------------------------------------------------------------------------------

    @Override
    public Outbound call(String commandId, ChargerOperation operation) {
        ObjectNode p = OcppJson.MAPPER.createObjectNode();
        String action;
        if (operation instanceof ChargerOperation.ProtocolCall raw) {
            if (!Ocpp16.SUBPROTOCOL.equals(raw.protocol())) {
                return new Outbound(raw.action(), null, "a " + raw.protocol() + " call cannot be sent to a charger "
                        + "that speaks " + Ocpp16.SUBPROTOCOL);
            }
            try {
                return new Outbound(raw.action(), FrameCodec.encode(new Frame.Call(commandId, raw.action(),
                        OcppJson.MAPPER.readTree(raw.payloadJson()))), null);
            } catch (JsonProcessingException e) {
                return new Outbound(raw.action(), null, "the call's payload is not JSON");
            }
        } else if (operation instanceof ChargerOperation.StartCharging op) {
            action = "RemoteStartTransaction";
            if (op.connectorId() != null) {
                p.put("connectorId", op.connectorId());
            }
            p.put("idTag", op.idTag());
        } else if (operation instanceof ChargerOperation.StopCharging op) {
            action = "RemoteStopTransaction";
            p.put("transactionId", op.transactionId());
        } else if (operation instanceof ChargerOperation.Reset op) {
            action = "Reset";
            p.put("type", op.hard() ? "Hard" : "Soft");
        } else if (operation instanceof ChargerOperation.ChangeAvailability op) {
            action = "ChangeAvailability";
            p.put("connectorId", op.connectorId()).put("type", op.operative() ? "Operative" : "Inoperative");
        } else if (operation instanceof ChargerOperation.Unlock op) {
            action = "UnlockConnector";
            p.put("connectorId", op.connectorId());
        } else if (operation instanceof ChargerOperation.ReadConfiguration op) {
            action = "GetConfiguration";
            if (op.keys() != null && !op.keys().isEmpty()) {
                op.keys().forEach(p.putArray("key")::add);
            }
        } else if (operation instanceof ChargerOperation.ChangeConfiguration op) {
            action = "ChangeConfiguration";
            p.put("key", op.key()).put("value", op.value());
        } else if (operation instanceof ChargerOperation.Trigger op) {
            action = "TriggerMessage";
            p.put("requestedMessage", op.message());
            if (op.connectorId() != null) {
                p.put("connectorId", op.connectorId());
            }
        } else if (operation instanceof ChargerOperation.ClearCache) {
            action = "ClearCache";
        } else if (operation instanceof ChargerOperation.UpdateFirmware op) {
            action = "UpdateFirmware";
            p.put("location", op.location()).put("retrieveDate", op.retrieveAt().toString());
            putIfSet(p, "retries", op.retries());
            putIfSet(p, "retryInterval", op.retryIntervalSeconds());
        } else if (operation instanceof ChargerOperation.GetDiagnostics op) {
            action = "GetDiagnostics";
            p.put("location", op.location());
            putIfSet(p, "retries", op.retries());
            putIfSet(p, "retryInterval", op.retryIntervalSeconds());
            if (op.from() != null) {
                p.put("startTime", op.from().toString());
            }
            if (op.to() != null) {
                p.put("stopTime", op.to().toString());
            }
        } else {
            return new Outbound(operation.name(), null, operation.name() + " is not an OCPP 1.6 operation");
        }
        return new Outbound(action, FrameCodec.encode(new Frame.Call(commandId, action, p)), null);
    }

    private static void putIfSet(ObjectNode p, String field, Integer value) {
        if (value != null) {
            p.put(field, value);
        }
    }

    @Override
    public String invalidAnswer(String action, JsonNode payload) {
        OcppAction known = Ocpp16.REGISTRY.byName(action).orElse(null);
        if (known == null) {
            return null; // a call this version does not know was sent raw: its answer is kept as it came
        }
        CallReader.Read read = Ocpp16.READER.readResult(known, payload);
        return read instanceof CallReader.Refused r ? r.code() + " " + r.description() : null;
    }

    @Override
    public String answerWord(String action, JsonNode payload) {
        JsonNode status = payload == null ? null : payload.get("status");
        // the answers without a status (GetConfiguration, UpdateFirmware, GetDiagnostics) say yes by answering
        return status != null && status.isTextual() ? status.asText() : "Accepted";
    }

    @Override
    public String knownAction(String action) {
        return Ocpp16.REGISTRY.byName(action).isPresent() ? action : "unknown";
    }
}
