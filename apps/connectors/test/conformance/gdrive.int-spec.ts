import { AuthError } from '@app/common';
import { traitsOfClass } from '../../src/connectors/capabilities';
import { validateGdriveConfig } from '../../src/connectors/gdrive/gdrive.config';
import { GdriveConnector } from '../../src/connectors/gdrive/gdrive.connector';
import { startGdriveFake, type GdriveFake } from '../fakes/gdrive-fake';
import { loopbackDeps } from '../servers/util';
import { describeConnector } from './describe-connector';

let fake: GdriveFake | undefined;
afterAll(() => fake?.stop());

// Small thresholds so the suite's larger files go through resumable sessions.
const config = (f: GdriveFake) => validateGdriveConfig({ ...f.config, resumableThreshold: 256 * 1024, chunkSize: 256 * 1024 });

describeConnector('gdrive', async () => {
  fake = await startGdriveFake();
  return new GdriveConnector(config(fake), { ...loopbackDeps, tokens: fake.tokens.source() });
}, {
  traits: traitsOfClass(GdriveConnector),
  makeBadConnector: async () =>
    new GdriveConnector(config(fake!), {
      ...loopbackDeps,
      // A token Drive does not know, whose refresh fails too (the user revoked access).
      tokens: {
        current: async () => 'not-a-token',
        refreshAfter: async () => {
          throw new AuthError();
        },
      },
    }),
});
