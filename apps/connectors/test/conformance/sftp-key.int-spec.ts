import { connectorTypes } from '../../src/connectors/registry';
import { start, type SftpTestServer } from '../servers/sftp';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

// The whole suite again over public-key authentication.
const type = connectorTypes.sftp;
let server: SftpTestServer | undefined;
afterAll(() => server?.stop());

describeConnector('sftp (key auth)', async () => {
  server = await start();
  return type.create(type.validateConfig(server.keyConfig), loopbackDeps);
}, { traits: type.traits });
