import { AuthError } from '@app/common';
import { validateBoxConfig } from '../../src/connectors/box/box.config';
import { BoxConnector } from '../../src/connectors/box/box.connector';
import { traitsOfClass } from '../../src/connectors/capabilities';
import type { TokenSource } from '../../src/connectors/oauth-api';
import { startBoxFake, type BoxFake } from '../fakes/box-fake';
import { loopbackDeps } from '../servers/util';
import { describeConnector } from './describe-connector';

const MiB = 1024 * 1024;
let fake: BoxFake | undefined;
afterAll(() => fake?.stop());

/** A token Box refuses, whose refresh fails too (the user revoked the app). */
const revoked: TokenSource = {
  current: async () => 'revoked-token',
  refreshAfter: async () => {
    throw new AuthError('The Box account must be connected again.');
  },
};

describeConnector(
  'box',
  async () => {
    // Small parts and a small session threshold so the multi-megabyte cases go through upload sessions.
    fake = await startBoxFake({ partSize: MiB, minSessionSize: 2 * MiB });
    return new BoxConnector(validateBoxConfig({ ...fake.config, chunkedUploadThreshold: 2 * MiB }), { ...loopbackDeps, tokens: fake.tokens.source() });
  },
  {
    traits: traitsOfClass(BoxConnector),
    makeBadConnector: async () => new BoxConnector(validateBoxConfig(fake!.config), { ...loopbackDeps, tokens: revoked }),
  },
);
