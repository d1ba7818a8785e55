import { connectorTypes } from '../../src/connectors/registry';
import { start } from '../servers/local';
import type { TestServer } from '../servers/util';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

const type = connectorTypes.local;
let server: TestServer<unknown> | undefined;
afterAll(() => server?.stop());

describeConnector('local', async () => {
  server = await start();
  return type.create(type.validateConfig(server.config), loopbackDeps);
}, { traits: type.traits });
