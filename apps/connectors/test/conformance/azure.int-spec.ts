import { connectorTypes } from '../../src/connectors/registry';
import { start } from '../servers/azure';
import { describeConnector } from './describe-connector';
import { loopbackDeps } from '../servers/util';

const type = connectorTypes.azure;
let server: Awaited<ReturnType<typeof start>> | undefined;
afterAll(() => server?.stop());

describeConnector('azure', async () => {
  server = await start();
  return type.create(type.validateConfig(server.config), loopbackDeps);
}, {
  traits: type.traits,
  makeBadConnector: async () => type.create(type.validateConfig(server!.badConfig), loopbackDeps),
  knownFailures: [
    {
      test: 'refuses bad credentials with AuthError',
      reason: 'Azurite answers a wrong key with 403 AuthorizationFailure (Azure says AuthenticationFailed), which maps to PermissionDeniedError',
    },
  ],
});
