import { connectorTypes } from '../../src/connectors/registry';
import { start, type SftpTestServer } from '../servers/sftp';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

const type = connectorTypes.sftp;
let server: SftpTestServer | undefined;
afterAll(() => server?.stop());

describeConnector('sftp', async () => {
  server = await start();
  return type.create(type.validateConfig(server.config), loopbackDeps);
}, {
  traits: type.traits,
  makeBadConnector: async () => type.create(type.validateConfig(server!.badConfig), loopbackDeps),
});
