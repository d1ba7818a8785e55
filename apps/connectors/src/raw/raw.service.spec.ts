import { Readable } from 'node:stream';
import { InvalidParametersError, UnsupportedError } from '@app/common';
import type { Connector, RawRequest } from '../connectors/connector';
import type { AccountConnectors } from '../storage/account-connectors';
import { RawService } from './raw.service';

const meta = { requestId: 'r', appId: 'a', accountId: 1 };
const input = { uri: '/x', method: 'get', headers: '{"X-Extra":"1"}', query: { prefix: 'p' } };

/** A connector that records the raw request it was given. */
function connectorWith(features: { rawPassthrough: boolean }, withRaw = true) {
  const seen: RawRequest[] = [];
  const connector = { features, ...(withRaw ? { raw: async (r: RawRequest) => (seen.push(r), { status: 200, headers: {}, body: Readable.from([]) }) } : {}) } as unknown as Connector;
  const service = new RawService({ get: async () => connector } as unknown as AccountConnectors);
  return { service, seen };
}

describe('RawService', () => {
  it('forwards X-Kloudless-Raw-Headers and raw[...] only to connectors that declare rawPassthrough', async () => {
    const on = connectorWith({ rawPassthrough: true });
    await on.service.send(meta, input);
    expect(on.seen[0]).toMatchObject({ method: 'GET', uri: '/x', headers: { 'X-Extra': '1' }, query: { prefix: 'p' } });
    const off = connectorWith({ rawPassthrough: false });
    await off.service.send(meta, input);
    expect(off.seen[0]).toMatchObject({ method: 'GET', uri: '/x', headers: {}, query: {} });
  });

  it('answers 501 for a connector without raw, and 400 for bad methods or headers before asking it', async () => {
    await expect(connectorWith({ rawPassthrough: false }, false).service.send(meta, input)).rejects.toThrow(UnsupportedError);
    const { service, seen } = connectorWith({ rawPassthrough: true });
    await expect(service.send(meta, { ...input, method: 'TRACE' })).rejects.toThrow(InvalidParametersError);
    await expect(service.send(meta, { ...input, headers: '{"Bad Name":"x"}' })).rejects.toThrow(InvalidParametersError);
    await expect(service.send(meta, { ...input, headers: '{"X-A":"a\\r\\nHost: evil"}' })).rejects.toThrow(InvalidParametersError);
    await expect(service.send(meta, { ...input, uri: undefined })).rejects.toThrow(InvalidParametersError);
    expect(seen).toHaveLength(0);
  });
});
