// An OCPP 1.6J charge point written with ocpp-rpc in strict mode: every frame it sends and every answer it
// receives is validated against the official schemas by a library that ChargePlane does not share.
// Usage: node charger.js ws://127.0.0.1:PORT/ocpp IDENTITY
// Prints one JSON line per step; "READY" when it waits for the server's Reset.
const { RPCClient } = require('ocpp-rpc');

const [endpoint, identity] = process.argv.slice(2);
const out = (step, value) => console.log(JSON.stringify({ step, value }));

(async () => {
  const cli = new RPCClient({ endpoint, identity, protocols: ['ocpp1.6'], strictMode: true });
  let resetSeen;
  const reset = new Promise((resolve) => { resetSeen = resolve; });
  cli.handle('Reset', ({ params }) => { resetSeen(params); return { status: 'Accepted' }; });
  await cli.connect();
  const now = () => new Date().toISOString();
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
  out('reset', await Promise.race([reset, new Promise((r) => setTimeout(() => r('no reset within 20 s'), 20000))]));
  await cli.close({ code: 1000 });
  process.exit(0);
})().catch((e) => { out('error', String(e && (e.rpcErrorCode ? e.rpcErrorCode + ' ' + e.message : e.stack || e))); process.exit(1); });
