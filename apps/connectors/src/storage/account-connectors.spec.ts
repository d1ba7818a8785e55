import { randomBytes } from 'node:crypto';
import { CredentialsTransport, type RpcClient } from '@app/common';
import type { ConnectorFactory } from '../credentials/connector-factory';
import type { ConnectorsConfig } from '../connectors.config';
import { AccountConnectors } from './account-connectors';

describe('AccountConnectors cache', () => {
  const meta = { requestId: 'r', appId: 'app_1' };
  let now = 1_000_000;
  let expiresAt: string | undefined;
  const key = randomBytes(32).toString('base64');
  // auth's side: the reply is sealed for connectors and bound to the request
  const rpc = {
    call: jest.fn(async () =>
      new CredentialsTransport(key).seal(meta, { accountId: 7, service: 'gdrive', config: expiresAt ? { oauth: { accessToken: 'a', expiresAt } } : { path: 'x' } }),
    ),
  };
  const factory = { create: jest.fn(() => ({})) };
  const connectors = () => new AccountConnectors(rpc as unknown as RpcClient, factory as unknown as ConnectorFactory, { CONNECTOR_CACHE_TTL_S: 60, CREDENTIALS_TRANSPORT_KEY: key } as ConnectorsConfig);

  beforeEach(() => {
    rpc.call.mockClear();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps a connector for the TTL', async () => {
    expiresAt = undefined;
    const c = connectors();
    await c.get(meta, 7);
    now += 59_000;
    await c.get(meta, 7);
    expect(rpc.call).toHaveBeenCalledTimes(1);
  });

  it('never keeps one past its OAuth access token\'s expiry', async () => {
    expiresAt = new Date(now + 10_000).toISOString();
    const c = connectors();
    await c.get(meta, 7);
    now += 9_000;
    await c.get(meta, 7);
    expect(rpc.call).toHaveBeenCalledTimes(1);
    now += 2_000;
    await c.get(meta, 7);
    expect(rpc.call).toHaveBeenCalledTimes(2);
  });

  it('forgets an account at once (deleted, token refreshed)', async () => {
    expiresAt = undefined;
    const c = connectors();
    await c.get(meta, 7);
    c.forget('app_1', 7);
    await c.get(meta, 7);
    expect(rpc.call).toHaveBeenCalledTimes(2);
  });
});
