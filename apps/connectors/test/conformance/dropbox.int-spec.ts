import { AuthError } from '@app/common';
import { traitsOfClass } from '../../src/connectors/capabilities';
import { DropboxConnector } from '../../src/connectors/dropbox/dropbox.connector';
import { validateDropboxConfig } from '../../src/connectors/dropbox/dropbox.config';
import type { TokenSource } from '../../src/connectors/oauth-api';
import { startDropboxFake, type DropboxFake } from '../fakes/dropbox-fake';
import { loopbackDeps } from '../servers/util';
import { describeConnector } from './describe-connector';

let fake: DropboxFake | undefined;
afterAll(() => fake?.stop());

const config = (url: string) => validateDropboxConfig({ apiUrl: url, contentUrl: url, uploadChunkSize: 1024 * 1024 });

describeConnector(
  'dropbox',
  async () => {
    fake = await startDropboxFake();
    return new DropboxConnector(config(fake.url), { ...loopbackDeps, tokens: fake.tokens.source() });
  },
  {
    traits: traitsOfClass(DropboxConnector),
    makeBadConnector: async () => {
      // A token the service never issued, whose refresh fails too (the user must reconnect).
      const tokens: TokenSource = {
        current: async () => 'not-a-token',
        refreshAfter: async () => {
          throw new AuthError();
        },
      };
      return new DropboxConnector(config(fake!.url), { ...loopbackDeps, tokens });
    },
  },
);
