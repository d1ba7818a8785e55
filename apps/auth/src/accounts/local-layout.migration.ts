import { posix } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SecretBox } from '@app/common';
import { AccountRepository } from './account.repository';

/** The per-app layout of `local` accounts (see apps/connectors/src/credentials/local-root.ts). */
const LOCAL_LAYOUT = 2;

interface LegacyLocalConfig {
  path: string;
  layout?: number;
  legacyFolder?: string;
}

/**
 * Moves `local` accounts made before tenant isolation to the per-app layout.
 * Their configs named a folder in one namespace shared by all apps, so two
 * apps could name the same folder. The first app to have connected a folder
 * (lowest account id) owns it: its accounts get `legacyFolder`, and the
 * connectors service moves that folder into the app's own directory when the
 * account is next opened. Any other app's account naming the same folder gets
 * a fresh, empty folder of its own. Idempotent: migrated rows are skipped, and
 * a run cut short continues where it stopped.
 */
@Injectable()
export class LocalLayoutMigration implements OnApplicationBootstrap {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly secrets: SecretBox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const migrated = await this.run();
      if (migrated > 0) this.logger.info({ accounts: migrated }, 'auth.local_layout.migrated');
    } catch (err) {
      // connectors refuse legacy configs with a 503 until this succeeds on a later start
      this.logger.error({ err: String(err) }, 'auth.local_layout.failed');
    }
  }

  /** @returns how many accounts were rewritten. */
  async run(): Promise<number> {
    const rows = await this.accounts.allAppsOfServiceForMigration('local');
    const owners = new Map<string, string>();
    let migrated = 0;
    let unreadable = 0;
    for (const row of rows) {
      let config: LegacyLocalConfig;
      try {
        config = this.secrets.open<LegacyLocalConfig>(row.configSealed);
      } catch {
        unreadable++; // sealed with another key: left as it is (connectors refuse it until it can be migrated)
        continue;
      }
      if (config.layout === LOCAL_LAYOUT) {
        if (config.legacyFolder && !owners.has(normalize(config.legacyFolder))) owners.set(normalize(config.legacyFolder), row.appId);
        continue;
      }
      const folder = normalize(config.path);
      if (!owners.has(folder)) owners.set(folder, row.appId);
      const next = { path: folder, layout: LOCAL_LAYOUT, ...(owners.get(folder) === row.appId ? { legacyFolder: folder } : {}) };
      await this.accounts.updateConfig({ appId: row.appId }, row.id, this.secrets.seal(next));
      migrated++;
    }
    if (unreadable > 0) this.logger.warn({ accounts: unreadable }, 'auth.local_layout.unreadable');
    return migrated;
  }
}

function normalize(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\/|\/+$/g, '');
}
