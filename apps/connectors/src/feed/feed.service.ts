import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  CONFIG,
  InvalidParametersError,
  NotFoundError,
  objectList,
  type MessageMeta,
  type ObjectList,
  type PublicFeedEvent,
  type PublicFeedPage,
  type PublicStorageObject,
} from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';
import { AccountConnectors } from '../storage/account-connectors';
import { toStorageObject } from '../storage/storage.mapper';
import { FeedCursorCodec } from './feed-cursor';
import { FeedRepository, type FeedScope } from './feed.repository';
import { FeedSnapshotRepository } from './feed-snapshot.repository';
import { FeedScheduler } from './feed-scheduler';
import { entryOfSnapshot } from './snapshot-entry';

/** The change feed and the recent list as the public API reads them. */
@Injectable()
export class FeedService {
  private codec?: Promise<FeedCursorCodec>;
  private readonly baselineWaitMs: number;
  private readonly followS: number;

  constructor(
    private readonly feed: FeedRepository,
    private readonly snapshot: FeedSnapshotRepository,
    private readonly scheduler: FeedScheduler,
    private readonly accounts: AccountConnectors,
    @Inject(CONFIG) config: ConnectorsConfig,
  ) {
    // A first read waits for the account's first pass at most this long: well inside the caller's RPC timeout.
    this.baselineWaitMs = Math.min(5000, config.KAFKA_REQUEST_TIMEOUT_MS / 2);
    this.followS = config.FEED_RETENTION_S;
  }

  /** Events after `cursor` (from the oldest kept without one), oldest first. */
  async list(meta: MessageMeta, input: { cursor?: string; pageSize: number }): Promise<PublicFeedPage> {
    const scope = await this.open(meta);
    const codec = await this.cursors();
    const state = (await this.feed.state(scope))!;
    let after = state.prunedSeq;
    if (input.cursor !== undefined && input.cursor !== '') {
      const seq = codec.decode(scope.accountId, input.cursor);
      if (seq === null || seq > state.lastSeq) throw new AppError('invalid_cursor', 'cursor: not a cursor of this account. Get one from /events/latest.');
      if (seq < state.prunedSeq) throw new AppError('invalid_cursor', 'cursor: expired, events after it are no longer kept. Start again from /events/latest.');
      after = seq;
    }
    const { events, remaining } = await this.feed.page(scope.accountId, after, input.pageSize);
    const last = events.length ? events[events.length - 1].seq : after;
    const objects: PublicFeedEvent[] = events.map((e) => ({
      id: e.objectId,
      event_id: String(codec.encode(scope.accountId, e.seq)),
      account: scope.accountId,
      type: e.type,
      modified: e.occurredAt.toISOString(),
      user_id: null,
      ip: null,
      metadata: e.metadata,
    }));
    return { api: 'storage', type: 'object_list', objects, count: objects.length, cursor: codec.encode(scope.accountId, last), remaining };
  }

  /** The cursor after the newest event: what happens from now on. */
  async latest(meta: MessageMeta): Promise<{ cursor: number }> {
    const scope = await this.open(meta);
    const state = (await this.feed.state(scope))!;
    return { cursor: (await this.cursors()).encode(scope.accountId, state.lastSeq) };
  }

  /** Files of the snapshot, newest modification first; `after: null` (not a timestamp) is an empty list. */
  async recent(meta: MessageMeta, input: { page: number; pageSize: number; after?: string | null } & { rawData?: boolean }): Promise<ObjectList<PublicStorageObject>> {
    const scope = await this.open(meta);
    if (input.after === null) return objectList('storage', [], input.page, false, 0);
    const connector = await this.accounts.get(meta, scope.accountId);
    const offset = (input.page - 1) * input.pageSize;
    const { items, total } = await this.snapshot.recent(scope.accountId, input.after ? new Date(input.after) : null, offset, input.pageSize);
    if (input.page > 1 && offset >= total) throw new InvalidParametersError(`page: ${input.page} is past the last page (${Math.max(1, Math.ceil(total / input.pageSize))}).`);
    const files = items.map((s) => toStorageObject(entryOfSnapshot(s, connector.features.addressing), scope.accountId, { rawData: false }));
    return objectList('storage', files, input.page, offset + items.length < total, total);
  }

  /**
   * The account (checked with auth: it belongs to the app), opted into the
   * scan, with its first pass done when it can be within `baselineWaitMs`: a
   * feed read right after connecting then reports what changes after it.
   */
  private async open(meta: MessageMeta): Promise<FeedScope> {
    if (!meta.accountId) throw new NotFoundError('No account was given.');
    await this.accounts.get(meta, meta.accountId);
    const scope = { appId: meta.appId, accountId: meta.accountId };
    await this.feed.ensure(scope);
    if (!(await this.feed.state(scope))) throw new NotFoundError(`Account ${meta.accountId} was not found.`);
    await this.feed.follow(scope, this.followS);
    const deadline = Date.now() + this.baselineWaitMs;
    while (!(await this.feed.state(scope))!.baselineDone && Date.now() < deadline) {
      const run = await this.scheduler.scanOnce(scope, true);
      if (run === 'failed') break;
      if (run === 'busy') await sleep(200);
    }
    return scope;
  }

  private cursors(): Promise<FeedCursorCodec> {
    this.codec ??= this.feed.cursorKey().then((key) => new FeedCursorCodec(key));
    this.codec.catch(() => (this.codec = undefined));
    return this.codec;
  }
}
