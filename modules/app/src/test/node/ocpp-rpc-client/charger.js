// An OCPP 1.6J charge point written with ocpp-rpc in strict mode: every frame it sends and every answer it
// receives is validated against the official schemas by a library that ChargePlane does not share.
// Usage: node charger.js ws://127.0.0.1:PORT/ocpp IDENTITY
// Prints one JSON line per step; "READY" when it answers the server's commands, until a Reset.
const { RPCClient } = require('ocpp-rpc');

const [endpoint, identity] = process.argv.slice(2);
const out = (step, value) => console.log(JSON.stringify({ step, value }));

(async () => {
  const cli = new RPCClient({ endpoint, identity, protocols: ['ocpp1.6'], strictMode: true });
  let resetSeen;
  const reset = new Promise((resolve) => { resetSeen = resolve; });
  const later = (work) => setTimeout(() => work().catch((e) => out('error', String(e.stack || e))), 50);
  const config = { HeartbeatInterval: '300', MeterValueSampleInterval: '60' };
  // every call the server sends, checked against the 1.6 schemas by ocpp-rpc before it reaches this handler
  cli.handle(async ({ method, params }) => {
    out('call', { method, params });
    switch (method) {
      case 'Reset': resetSeen(params); return { status: 'Accepted' };
      case 'ChangeConfiguration': config[params.key] = params.value; return { status: 'Accepted' };
      case 'GetConfiguration': {
        const keys = params.key || Object.keys(config);
        return { configurationKey: keys.filter((k) => k in config).map((k) => ({ key: k, readonly: false, value: config[k] })),
          unknownKey: keys.filter((k) => !(k in config)) };
      }
      case 'TriggerMessage':
        later(async () => out('triggered', await cli.call('StatusNotification', { connectorId: params.connectorId || 1, errorCode: 'NoError', status: 'Available' })));
        return { status: 'Accepted' };
      case 'UnlockConnector': return { status: 'Unlocked' };
      case 'ClearCache': return { status: 'Accepted' };
      case 'ChangeAvailability':
        later(async () => out('availability', await cli.call('StatusNotification', { connectorId: params.connectorId || 1, errorCode: 'NoError',
          status: params.type === 'Inoperative' ? 'Unavailable' : 'Available' })));
        return { status: 'Accepted' };
      case 'RemoteStartTransaction':
        later(async () => {
          await cli.call('StatusNotification', { connectorId: params.connectorId || 1, errorCode: 'NoError', status: 'Preparing' });
          out('remoteStarted', await cli.call('StartTransaction', { connectorId: params.connectorId || 1, idTag: params.idTag, meterStart: 5000, timestamp: now() }));
        });
        return { status: 'Accepted' };
      case 'RemoteStopTransaction':
        later(async () => out('remoteStopped', await cli.call('StopTransaction', { transactionId: params.transactionId, meterStop: 5500, timestamp: now(), reason: 'Remote' })));
        return { status: 'Accepted' };
      case 'UpdateFirmware':
        later(async () => {
          await cli.call('FirmwareStatusNotification', { status: 'Downloading' });
          const got = await fetch(params.location);
          const bytes = Buffer.from(await got.arrayBuffer());
          out('firmwareFile', { status: got.status, sha256: require('crypto').createHash('sha256').update(bytes).digest('hex') });
          for (const status of ['Downloaded', 'Installing', 'Installed']) {
            await cli.call('FirmwareStatusNotification', { status });
          }
        });
        return {};
      case 'GetDiagnostics':
        later(async () => {
          await cli.call('DiagnosticsStatusNotification', { status: 'Uploading' });
          const put = await fetch(params.location + '/rpc-diagnostics.log', { method: 'PUT', body: 'diagnostics of RPC-CP\n' });
          out('diagnosticsUpload', { status: put.status });
          await cli.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
        });
        return { fileName: 'rpc-diagnostics.log' };
      default: throw require('ocpp-rpc').createRPCError('NotImplemented', method + ' is not implemented here');
    }
  });
  const now = () => new Date().toISOString();
  await cli.connect();
  out('boot', await cli.call('BootNotification', { chargePointVendor: 'RpcVendor', chargePointModel: 'RpcModel', chargePointSerialNumber: 'RPC-SN' }));
  out('status', await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }));
  out('authorize', await cli.call('Authorize', { idTag: 'RPC-TAG' }));
  const start = await cli.call('StartTransaction', { connectorId: 1, idTag: 'RPC-TAG', meterStart: 2000, timestamp: now() });
  out('start', start);
  out('meterValues', await cli.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [
    { timestamp: now(), sampledValue: [
      { value: '2600', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
      { value: '11000', measurand: 'Power.Active.Import', unit: 'W' },
      { value: '16.1', measurand: 'Current.Import', unit: 'A', phase: 'L1' },
      { value: '230.4', measurand: 'Voltage', unit: 'V', phase: 'L1-N' } ] } ] }));
  out('stop', await cli.call('StopTransaction', { transactionId: start.transactionId, meterStop: 3000, timestamp: now(), idTag: 'RPC-TAG', reason: 'Local' }));
  out('heartbeat', await cli.call('Heartbeat', {}));
  out('dataTransfer', await cli.call('DataTransfer', { vendorId: 'unknown.vendor', messageId: 'x', data: 'y' }));
  out('firmware', await cli.call('FirmwareStatusNotification', { status: 'Idle' }));
  out('diagnostics', await cli.call('DiagnosticsStatusNotification', { status: 'Idle' }));
  console.log('READY');
  out('reset', await Promise.race([reset, new Promise((r) => setTimeout(() => r('no reset within 120 s'), 120000))]));
  await cli.close({ code: 1000 });
  process.exit(0);
})().catch((e) => { out('error', String(e && (e.rpcErrorCode ? e.rpcErrorCode + ' ' + e.message : e.stack || e))); process.exit(1); });
