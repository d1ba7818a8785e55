import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccountList, AppError, CONFIG, LOGGER, RPC_CLIENT, RpcClient } from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';
import { AccountConnectors } from '../storage/account-connectors';
import { FeedRepository, type FeedScope } from './feed.repository';
import { FeedScanner } from './feed-scanner';

/** Entries asked per listing page by the scan. */
export const SCAN_PAGE_SIZE = 500;

/**
 * Runs the change-feed scan every FEED_SCAN_INTERVAL_S over the accounts that
 * want it: every account of an app with an active webhook subscribed to file
 * events (webhooks tells us with `subscription.watch_changed`; the accounts
 * come from auth), and every account whose feed or recent list was read. Each
 * gets one run of at most FEED_SCAN_PAGES_PER_RUN pages, under a lease in
 * Postgres so instances never scan one account at once. Also prunes old events.
 */
@Injectable()
export class FeedScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly feed: FeedRepository,
    private readonly scanner: FeedScanner,
    private readonly accounts: AccountConnectors,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(CONFIG) private readonly config: ConnectorsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = null));
    }, this.config.FEED_SCAN_INTERVAL_S * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: prune, then one bounded run per account that wants scanning. Never throws. */
  async tick(): Promise<void> {
    try {
      const dropped = await this.feed.prune(this.config.FEED_RETENTION_S, this.config.FEED_RETENTION_MAX_EVENTS);
      if (dropped) this.logger.info({ dropped }, 'feed.events.pruned');
      for (const scope of await this.targets()) {
        if (this.stopped) return;
        await this.scanOnce(scope);
      }
    } catch (err) {
      this.logger.error({ err: String(err) }, 'feed.scan.tick_failed');
    }
  }

  /**
   * One run on one account if no one else is scanning it; `evenIfNotDue` skips
   * the back-off after a failed run (a caller is waiting).
   */
  async scanOnce(scope: FeedScope, evenIfNotDue = false): Promise<'finished' | 'partial' | 'busy' | 'failed'> {
    await this.feed.ensure(scope);
    const leaseS = Math.max(60, this.config.FEED_SCAN_INTERVAL_S * 2);
    if (!(await this.feed.claimScan(scope, leaseS, evenIfNotDue))) return 'busy';
    const meta = { appId: scope.appId, accountId: scope.accountId, requestId: `feed-scan-${randomUUID()}` };
    let connector;
    try {
      connector = await this.accounts.get(meta, scope.accountId);
    } catch (err) {
      // Auth no longer knows the account (its account.deleted was missed): nothing to keep for it.
      if (err instanceof AppError && err.code === 'not_found') {
        this.logger.info({ accountId: scope.accountId }, 'feed.scan.account_gone');
        await this.feed.forget(scope.accountId);
        return 'failed';
      }
      await this.feed.releaseScan(scope, this.config.FEED_SCAN_INTERVAL_S * 5, String(err).slice(0, 500));
      this.logger.warn({ accountId: scope.accountId, err: String(err) }, 'feed.scan.failed');
      return 'failed';
    }
    try {
      const result = await this.scanner.run(meta, scope, connector, { pages: this.config.FEED_SCAN_PAGES_PER_RUN, pageSize: SCAN_PAGE_SIZE });
      if (result.changes) this.logger.info({ accountId: scope.accountId, changes: result.changes }, 'feed.scan.changes');
      await this.feed.releaseScan(scope, 0, null);
      return result.finished ? 'finished' : 'partial';
    } catch (err) {
      // A failing account (credentials revoked, service down) waits five intervals before its next try.
      this.logger.warn({ accountId: scope.accountId, err: String(err) }, 'feed.scan.failed');
      await this.feed.releaseScan(scope, this.config.FEED_SCAN_INTERVAL_S * 5, String(err).slice(0, 500));
      return 'failed';
    }
  }

  /** Followed accounts, and the accounts of every app watching file events (listed by auth). */
  private async targets(): Promise<FeedScope[]> {
    const byId = new Map<number, FeedScope>();
    for (const s of await this.feed.followedAccounts()) byId.set(s.accountId, s);
    for (const appId of await this.feed.watchedApps()) {
      try {
        for (let page = 1; ; page++) {
          const list = await this.rpc.call(AccountList, { appId, requestId: `feed-accounts-${randomUUID()}` }, { page, pageSize: 1000 });
          for (const a of list.objects) byId.set(a.id, { appId, accountId: a.id });
          if (!list.next_page) break;
        }
      } catch (err) {
        this.logger.warn({ appId, err: String(err) }, 'feed.scan.accounts_failed');
      }
    }
    return [...byId.values()];
  }
}
