import { connectorTypes } from '../../src/connectors/registry';
import { start } from '../servers/s3';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

const type = connectorTypes.s3_compatible;
let server: Awaited<ReturnType<typeof start>> | undefined;
afterAll(() => server?.stop());

describeConnector('s3', async () => {
  server = await start();
  return type.create(type.validateConfig(server.config), loopbackDeps);
}, {
  traits: type.traits,
  makeBadConnector: async () => type.create(type.validateConfig(server!.badConfig), loopbackDeps),
  knownFailures: [
    { test: 'shows nothing before complete and nothing after abort', reason: 's3rver 3.7.1 answers AbortMultipartUpload with 405' },
  ],
});
