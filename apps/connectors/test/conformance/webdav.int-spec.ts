import { connectorTypes } from '../../src/connectors/registry';
import { start } from '../servers/webdav';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

const type = connectorTypes.webdav;
let server: Awaited<ReturnType<typeof start>> | undefined;
afterAll(() => server?.stop());

describeConnector('webdav', async () => {
  server = await start();
  return type.create(type.validateConfig(server.config), loopbackDeps);
}, {
  traits: type.traits,
  makeBadConnector: async () => type.create(type.validateConfig(server!.badConfig), loopbackDeps),
});
