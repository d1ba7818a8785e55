import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, NotFoundError, type MessageMeta } from '@app/common';
import type { Connector, Page, Entry } from '../connectors/connector';
import { ChangeFeed, type Change } from './change-feed';
import { FeedRepository, type FeedScope } from './feed.repository';
import { FeedSnapshotRepository } from './feed-snapshot.repository';
import { diffPage, missingAction } from './snapshot-diff';
import { entryOfSnapshot } from './snapshot-entry';

export interface ScanBudget {
  /** Listing pages this run may fetch. */
  pages: number;
  /** Entries asked per page. */
  pageSize: number;
}

/**
 * Finds changes made outside our API by walking an account and comparing each
 * listing page with the snapshot: new → `add`, changed size or modification
 * time → `update`, and once a folder was listed to its end, children the pass
 * did not see → `delete` (with everything below them). Each is reported when
 * two consecutive passes saw it (see diffPage): a change our API makes while a
 * pass lists is recorded by the API, never twice. A pass is a walk over
 * the whole account; a run fetches at most `budget.pages` pages and leaves the
 * queue of folders still to list, and the listing cursor of the one it was in,
 * in Postgres, so the next run (on any instance, after a restart) goes on from
 * there. The first pass of an account only fills the snapshot: what was there
 * before the feed started is not news.
 */
@Injectable()
export class FeedScanner {
  constructor(
    private readonly feed: FeedRepository,
    private readonly snapshot: FeedSnapshotRepository,
    private readonly changes: ChangeFeed,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One bounded run; the caller holds the account's scan lease. Answers whether the pass ended in it. */
  async run(meta: Pick<MessageMeta, 'appId' | 'requestId'>, scope: FeedScope, connector: Connector, budget: ScanBudget): Promise<{ finished: boolean; changes: number }> {
    const { accountId } = scope;
    await this.feed.ensure(scope);
    const state = (await this.feed.state(scope))!;
    const gen = state.scanning ? state.generation : await this.snapshot.startPass(this.feed.db, accountId);
    const reporting = state.baselineDone;
    const addressing = connector.features.addressing;
    let pages = budget.pages;
    let found = 0;
    while (pages > 0) {
      const folder = await this.snapshot.nextFolder(accountId);
      if (!folder) {
        await this.snapshot.finishPass(this.feed.db, accountId);
        return { finished: true, changes: found };
      }
      let page: Page<Entry>;
      try {
        page = await connector.list(folder.locator, { pageSize: budget.pageSize, cursor: folder.cursor });
      } catch (err) {
        // Gone since it was queued: its parent's listing reports it.
        if (err instanceof NotFoundError) {
          await this.snapshot.folderDone(this.feed.db, accountId, folder.locator);
          continue;
        }
        // A listing cursor that no longer works (expired upstream): list that folder again from its start.
        if (folder.cursor) {
          this.logger.warn({ accountId, err: String(err) }, 'feed.scan.cursor_reset');
          await this.snapshot.setCursor(this.feed.db, accountId, folder.locator, null);
          pages--;
          continue;
        }
        throw err;
      }
      pages--;
      const changes: Change[] = [];
      await this.feed.db.transaction(async (m) => {
        // The account row first, as changes through the API take it: no lock-order deadlock with them.
        await m.query(`SELECT 1 FROM feed_accounts WHERE account_id = $1 FOR UPDATE`, [accountId]);
        const known = await this.snapshot.get(accountId, page.items.map((e) => e.locator), m);
        const actions = diffPage(page.items, known, reporting);
        await this.snapshot.upsert(m, accountId, actions.flatMap((a) => (a.row ? [a.row] : [])), gen);
        await this.snapshot.markSeen(m, accountId, actions.filter((a) => !a.row).map((a) => a.entry.locator), gen);
        await this.snapshot.enqueue(m, accountId, page.items.filter((e) => e.kind === 'folder').map((e) => e.locator));
        for (const a of actions) if (a.event) changes.push({ type: a.event, entry: a.entry, source: 'external' });
        if (page.next) {
          await this.snapshot.setCursor(m, accountId, folder.locator, page.next);
        } else {
          for (const gone of await this.snapshot.unseenChildren(m, accountId, folder.locator, gen)) {
            const action = missingAction(gone, reporting);
            if (action === 'mark') {
              await this.snapshot.markMissing(m, accountId, gone.locator);
              continue;
            }
            await this.snapshot.removeTree(m, accountId, gone.locator);
            if (action === 'report') changes.push({ type: 'delete', entry: entryOfSnapshot(gone, addressing), source: 'external' });
          }
          await this.snapshot.folderDone(m, accountId, folder.locator);
        }
        if (reporting) await this.changes.appendIn(m, scope, changes);
      });
      if (reporting && changes.length) {
        found += changes.length;
        await this.changes.publish(meta, accountId, changes);
      }
    }
    return { finished: false, changes: found };
  }
}
