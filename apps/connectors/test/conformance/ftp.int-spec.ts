import { connectorTypes } from '../../src/connectors/registry';
import { start, type FtpTestServer } from '../servers/ftp';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

const type = connectorTypes.ftp;
let server: FtpTestServer | undefined;
afterAll(() => server?.stop());

describeConnector('ftp', async () => {
  server = await start();
  return type.create(type.validateConfig(server.config), loopbackDeps);
}, {
  traits: type.traits,
  makeBadConnector: async () => type.create(type.validateConfig(server!.badConfig), loopbackDeps),
});
