#!/usr/bin/env python3
"""Generates the typed OCPP 1.6 records from the vendored official JSON schemas.

Run from the repository root:  python3 modules/ocpp/tools/generate_ocpp16_records.py
The output is committed; re-run only when the schemas change.
"""
import json, os, re

ROOT = os.path.join(os.path.dirname(__file__), '..')
SCHEMAS = os.path.join(ROOT, 'src/main/resources/ocpp16/schemas')
OUT = os.path.join(ROOT, 'src/main/java/io/chargeplane/ocpp/v16')
PKG = 'io.chargeplane.ocpp.v16'

PROFILES = {
    'Core': ['Authorize', 'BootNotification', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache',
             'DataTransfer', 'GetConfiguration', 'Heartbeat', 'MeterValues', 'RemoteStartTransaction',
             'RemoteStopTransaction', 'Reset', 'StartTransaction', 'StatusNotification', 'StopTransaction',
             'UnlockConnector'],
    'FirmwareManagement': ['GetDiagnostics', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification',
                           'UpdateFirmware'],
    'LocalAuthListManagement': ['GetLocalListVersion', 'SendLocalList'],
    'Reservation': ['CancelReservation', 'ReserveNow'],
    'SmartCharging': ['ClearChargingProfile', 'GetCompositeSchedule', 'SetChargingProfile'],
    'RemoteTrigger': ['TriggerMessage'],
}
FROM_CHARGER = {'Authorize', 'BootNotification', 'DataTransfer', 'Heartbeat', 'MeterValues', 'StartTransaction',
                'StatusNotification', 'StopTransaction', 'DiagnosticsStatusNotification',
                'FirmwareStatusNotification'}
FROM_SERVER = {'DataTransfer'} | {a for p in PROFILES.values() for a in p if a not in FROM_CHARGER}

ENUM_NAMES = {  # first value set member path -> OCPP 1.6 spec type name
    ('Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx'): 'AuthorizationStatus',
    ('Accepted', 'Pending', 'Rejected'): 'RegistrationStatus',
    ('Accepted', 'Rejected'): 'AcceptanceStatus',
    ('Inoperative', 'Operative'): 'AvailabilityType',
    ('Accepted', 'Rejected', 'Scheduled'): 'AvailabilityStatus',
    ('Accepted', 'Rejected', 'RebootRequired', 'NotSupported'): 'ConfigurationStatus',
    ('ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'): 'ChargingProfilePurposeType',
    ('Accepted', 'Unknown'): 'ClearChargingProfileStatus',
    ('Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId'): 'DataTransferStatus',
    ('Idle', 'Uploaded', 'UploadFailed', 'Uploading'): 'DiagnosticsStatus',
    ('A', 'W'): 'ChargingRateUnitType',
    ('Raw', 'SignedData'): 'ValueFormat',
    ('Absolute', 'Recurring', 'Relative'): 'ChargingProfileKindType',
    ('Daily', 'Weekly'): 'RecurrencyKindType',
    ('Accepted', 'Faulted', 'Occupied', 'Rejected', 'Unavailable'): 'ReservationStatus',
    ('Hard', 'Soft'): 'ResetType',
    ('Differential', 'Full'): 'UpdateType',
    ('Accepted', 'Failed', 'NotSupported', 'VersionMismatch'): 'UpdateStatus',
    ('Accepted', 'Rejected', 'NotSupported'): 'ChargingProfileStatus',
    ('Accepted', 'Rejected', 'NotImplemented'): 'TriggerMessageStatus',
    ('Unlocked', 'UnlockFailed', 'NotSupported'): 'UnlockStatus',
}
ENUM_BY_PROP = {  # property name -> spec type name, for value sets that are unambiguous by property
    'context': 'ReadingContext', 'measurand': 'Measurand', 'phase': 'Phase', 'location': 'Location',
    'unit': 'UnitOfMeasure', 'errorCode': 'ChargePointErrorCode', 'reason': 'Reason',
    'requestedMessage': 'MessageTrigger',
}
ENUM_BY_MESSAGE = {('StatusNotification', 'status'): 'ChargePointStatus',
                   ('FirmwareStatusNotification', 'status'): 'FirmwareStatus'}
OBJ_NAMES = {
    ('expiryDate', 'parentIdTag', 'status'): 'IdTagInfo',
    ('chargingRateUnit', 'chargingSchedulePeriod', 'duration', 'minChargingRate', 'startSchedule'): 'ChargingSchedule',
    ('limit', 'numberPhases', 'startPeriod'): 'ChargingSchedulePeriod',
    ('key', 'readonly', 'value'): 'KeyValue',
    ('sampledValue', 'timestamp'): 'MeterValue',
    ('context', 'format', 'location', 'measurand', 'phase', 'unit', 'value'): 'SampledValue',
    ('chargingProfileId', 'chargingProfileKind', 'chargingProfilePurpose', 'chargingSchedule', 'recurrencyKind',
     'stackLevel', 'transactionId', 'validFrom', 'validTo'): 'ChargingProfile',
    ('idTag', 'idTagInfo'): 'AuthorizationData',
}
JAVA_KEYWORDS = {'default', 'class', 'enum', 'interface', 'package'}

enums = {}      # name -> values
objects = {}    # name -> java source of record


def const_name(v):
    s = re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', v)
    s = re.sub(r'[^A-Za-z0-9]+', '_', s).upper().strip('_')
    return s if not s[0].isdigit() else '_' + s


def enum_name(message, prop, values):
    if (message, prop) in ENUM_BY_MESSAGE:
        return ENUM_BY_MESSAGE[(message, prop)]
    if prop in ENUM_BY_PROP:
        return ENUM_BY_PROP[prop]
    key = tuple(values)
    if key in ENUM_NAMES:
        return ENUM_NAMES[key]
    raise SystemExit(f'no enum name for {message}.{prop}: {values}')


def java_type(message, prop, s, shared):
    t = s.get('type')
    if 'enum' in s:
        name = enum_name(message, prop, s['enum'])
        prev = enums.get(name)
        if prev is not None and prev != s['enum']:
            raise SystemExit(f'enum {name} differs: {prev} vs {s["enum"]}')
        enums[name] = s['enum']
        return 'DataTypes.' + name
    if t == 'string':
        return 'java.time.Instant' if s.get('format') == 'date-time' else 'String'
    if t == 'integer':
        return 'Integer'
    if t == 'number':
        return 'Double'
    if t == 'boolean':
        return 'Boolean'
    if t == 'array':
        return 'java.util.List<' + java_type(message, prop, s['items'], shared) + '>'
    if t == 'object':
        key = tuple(sorted(s.get('properties', {})))
        name = OBJ_NAMES.get(key)
        if name is None:
            raise SystemExit(f'no object name for {message}.{prop}: {key}')
        if name not in objects:
            objects[name] = None
            objects[name] = record(message, name, s, '', 'DataTypes')
        return 'DataTypes.' + name
    raise SystemExit(f'unknown type {message}.{prop}: {s}')


def record(message, name, s, implements, where):
    required = set(s.get('required', []))
    comps = []
    for prop, ps in s.get('properties', {}).items():
        jt = java_type(message, prop, ps, True)
        jname = prop + '_' if prop in JAVA_KEYWORDS else prop
        ann = f'@JsonProperty("{prop}") ' if jname != prop else ''
        comps.append(f'{ann}{jt} {jname}' + ('' if prop in required else ' /* optional */'))
    if not comps:
        body = f'public record {name}()'
    else:
        body = f'public record {name}(\n            ' + ',\n            '.join(comps) + ')'
    if implements:
        body += f' implements {implements}'
    return '    ' + body + ' {\n    }\n'


def load(fname):
    with open(os.path.join(SCHEMAS, fname + '.json')) as f:
        return json.load(f)


HEADER = f'''// GENERATED by modules/ocpp/tools/generate_ocpp16_records.py from the official OCPP 1.6 JSON schemas.
// Do not edit by hand: change the generator and run it again.
package {PKG};

import com.fasterxml.jackson.annotation.JsonProperty;
import io.chargeplane.ocpp.OcppRequest;
import io.chargeplane.ocpp.OcppResponse;

'''

os.makedirs(OUT, exist_ok=True)
registry = []
for profile, actions in PROFILES.items():
    parts = []
    for a in actions:
        parts.append(record(a, a + 'Request', load(a), 'OcppRequest', profile))
        parts.append(record(a, a + 'Response', load(a + 'Response'), 'OcppResponse', profile))
        registry.append((a, profile))
    src = HEADER + f'/** OCPP 1.6 {profile} profile: one request and one response record per action. */\n' \
        + f'@SuppressWarnings("unused")\npublic final class {profile} {{\n    private {profile}() {{\n    }}\n\n' \
        + '\n'.join(parts) + '}\n'
    with open(os.path.join(OUT, profile + '.java'), 'w') as f:
        f.write(src)

enum_src = []
for name in sorted(enums):
    consts = ',\n        '.join(f'@JsonProperty("{v}") {const_name(v)}("{v}")' for v in enums[name])
    enum_src.append(f'    public enum {name} {{\n        {consts};\n\n'
                    f'        private final String wire;\n\n'
                    f'        {name}(String wire) {{\n            this.wire = wire;\n        }}\n\n'
                    f'        /** The value as written on the wire. */\n'
                    f'        public String wire() {{\n'
                    f'            return wire;\n        }}\n    }}\n')
src = HEADER + '/** Data types shared by several OCPP 1.6 messages (spec section 7). */\n' \
    + 'public final class DataTypes {\n    private DataTypes() {\n    }\n\n' \
    + '\n'.join(objects[n] for n in sorted(objects)) + '\n' + '\n'.join(enum_src) + '}\n'
with open(os.path.join(OUT, 'DataTypes.java'), 'w') as f:
    f.write(src)

entries = []
for a, profile in registry:
    d = []
    if a in FROM_CHARGER:
        d.append('Direction.FROM_CHARGER')
    if a in FROM_SERVER:
        d.append('Direction.FROM_SERVER')
    entries.append(f'        entry("{a}", {profile}.{a}Request.class, {profile}.{a}Response.class, '
                   f'java.util.EnumSet.of({", ".join(d)}))')
src = f'''// GENERATED by modules/ocpp/tools/generate_ocpp16_records.py. Do not edit by hand.
package {PKG};

import io.chargeplane.ocpp.Direction;
import io.chargeplane.ocpp.OcppAction;
import io.chargeplane.ocpp.OcppRequest;
import io.chargeplane.ocpp.OcppResponse;
import java.util.List;

/** Every OCPP 1.6 action with its request and response record and who may initiate it. */
final class Ocpp16ActionList {{
    private Ocpp16ActionList() {{
    }}

    static final List<OcppAction> ALL = List.of(
{(","+chr(10)).join(entries)});

    private static OcppAction entry(String name, Class<? extends OcppRequest> request,
                                    Class<? extends OcppResponse> response, java.util.Set<Direction> directions) {{
        return new OcppAction(name, request, response, directions);
    }}
}}
'''
with open(os.path.join(OUT, 'Ocpp16ActionList.java'), 'w') as f:
    f.write(src)
print('generated', len(registry), 'actions,', len(objects), 'data types,', len(enums), 'enums')
