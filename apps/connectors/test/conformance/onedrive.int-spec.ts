import { AuthError } from '@app/common';
import { traitsOfClass } from '../../src/connectors/capabilities';
import { validateOnedriveConfig } from '../../src/connectors/onedrive/onedrive.config';
import { OnedriveConnector } from '../../src/connectors/onedrive/onedrive.connector';
import { startOnedriveFake, type OnedriveFake } from '../fakes/onedrive-fake';
import { loopbackDeps } from '../servers/util';
import { describeConnector } from './describe-connector';

let fake: OnedriveFake | undefined;
afterAll(() => fake?.stop());

/** Small thresholds so the suite's multi-megabyte files go through upload sessions of several fragments. */
const configFor = (f: OnedriveFake) => validateOnedriveConfig({ ...f.config, simpleUploadLimit: 1024 * 1024, uploadChunkSize: 2 * 320 * 1024 });

describeConnector('onedrive', async () => {
  fake = await startOnedriveFake();
  return new OnedriveConnector(configFor(fake), { ...loopbackDeps, tokens: fake.tokens.source() });
}, {
  traits: traitsOfClass(OnedriveConnector),
  makeBadConnector: async () => {
    // A token the service refuses, whose refresh fails too (the user must reconnect).
    const tokens = { current: async () => 'not-a-valid-token', refreshAfter: async (): Promise<string> => {
        throw new AuthError();
      },
    };
    return new OnedriveConnector(configFor(fake!), { ...loopbackDeps, tokens });
  },
});
