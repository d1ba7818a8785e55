import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import {
  EVENT_PUBLISHER,
  EventPublisher,
  FILE_DELETED,
  FILE_MOVED,
  FILE_UPDATED,
  FILE_UPLOADED,
  FOLDER_CREATED,
  LOGGER,
  type FeedEventType,
  type FileDeletedData,
  type FileMovedData,
  type FileUpdatedData,
  type FileUploadedData,
  type FolderCreatedData,
  type MessageMeta,
  type PublicStorageObject,
} from '@app/common';
import type { Entry } from '../connectors/connector';
import { toStorageObject } from '../storage/storage.mapper';
import { FeedRepository, type FeedScope, type NewFeedEvent } from './feed.repository';
import { FeedSnapshotRepository } from './feed-snapshot.repository';
import { entryOfPublic, snapshotOf } from './snapshot-entry';

/** Who made a change: our API (an upload, a copy within the account) or someone else, found by the scan. */
export type ChangeSource = 'api' | 'copy' | 'external';

/** One change, as the feed records it and webhooks hear of it. */
export type Change =
  | { type: 'add' | 'update'; entry: Entry; source: ChangeSource }
  | { type: 'delete'; entry: Entry; source: ChangeSource }
  | { type: 'move' | 'rename'; before: Entry; entry: Entry; source: ChangeSource };

type Meta = Pick<MessageMeta, 'appId' | 'requestId'>;

/**
 * Records changes in the account's change feed (and its snapshot) and
 * publishes them as `file.*` / `folder.*` webhook events. Changes made through
 * our API are recorded here at once; the scan records the others. A failure
 * to record is logged, never turned into a failed API call (the change has
 * happened; the next scan sees it).
 */
@Injectable()
export class ChangeFeed {
  constructor(
    private readonly feed: FeedRepository,
    private readonly snapshot: FeedSnapshotRepository,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A folder created, or an object copied, through the API. */
  async added(meta: Meta, accountId: number, entry: Entry, source: 'api' | 'copy'): Promise<void> {
    await this.apply(meta, accountId, [{ type: 'add', entry, source }], async (m, gen) => {
      await this.snapshot.upsert(m, accountId, [snapshotOf(entry, false)], gen);
    });
  }

  /**
   * A file written through the API (upload, replace, multipart, URL, transfer):
   * `update` when the snapshot knew it, `add` otherwise. Its webhook is the
   * caller's `file.uploaded` (with its tags), so none is published here.
   */
  async uploaded(meta: Meta, file: PublicStorageObject): Promise<void> {
    const entry = entryOfPublic(file);
    await this.apply(meta, file.account, [], async (m, gen) => {
      const known = await this.snapshot.get(file.account, [entry.locator], m);
      await this.snapshot.upsert(m, file.account, [snapshotOf(entry, false)], gen);
      const before = known.get(entry.locator);
      return [{ type: before && before.pending !== 'add' ? 'update' : 'add', entry, source: 'api' }];
    }, { publish: false });
  }

  async removed(meta: Meta, accountId: number, entry: Entry): Promise<void> {
    await this.apply(meta, accountId, [{ type: 'delete', entry, source: 'api' }], async (m) => {
      await this.snapshot.removeTree(m, accountId, entry.locator);
    });
  }

  async moved(meta: Meta, accountId: number, before: Entry, after: Entry): Promise<void> {
    const type = before.parent === after.parent ? 'rename' : 'move';
    await this.apply(meta, accountId, [{ type, before, entry: after, source: 'api' }], async (m, gen) => {
      await m.query(`DELETE FROM feed_entries WHERE account_id = $1 AND locator = $2`, [accountId, before.locator]);
      if (before.locator !== after.locator && after.kind === 'folder') await this.snapshot.movePrefix(m, accountId, before.locator, after.locator);
      await this.snapshot.upsert(m, accountId, [snapshotOf(after, false)], gen);
    });
  }

  /** Appends the events of changes inside a transaction the caller runs (the scan), and returns what to publish after it commits. */
  async appendIn(m: EntityManager, scope: FeedScope, changes: Change[]): Promise<void> {
    await this.feed.append(m, scope, changes.map((c) => eventOf(c, scope.accountId)));
  }

  /** Publishes the webhook events of committed changes. */
  async publish(meta: Meta, accountId: number, changes: Change[]): Promise<void> {
    for (const c of changes) {
      const hook = webhookOf(c, accountId);
      if (hook) await this.events.publish(hook.type, meta, accountId, hook.data);
    }
  }

  /**
   * Runs `write` (snapshot changes; it may answer the changes, when they depend
   * on what it found) and appends the events in one transaction, then publishes.
   */
  private async apply(
    meta: Meta,
    accountId: number,
    changes: Change[],
    write: (m: EntityManager, gen: number) => Promise<Change[] | void>,
    opts: { publish: boolean } = { publish: true },
  ): Promise<void> {
    const scope = { appId: meta.appId, accountId };
    let recorded = changes;
    try {
      await this.feed.db.transaction(async (m) => {
        await this.feed.ensure(scope, m);
        const [{ generation }] = await m.query(`SELECT generation FROM feed_accounts WHERE account_id = $1 FOR UPDATE`, [accountId]);
        recorded = (await write(m, generation)) ?? changes;
        await this.appendIn(m, scope, recorded);
      });
    } catch (err) {
      this.logger.error({ err: String(err), accountId }, 'feed.record.failed');
      return;
    }
    if (opts.publish) await this.publish(meta, accountId, recorded);
  }
}

/** The feed event of a change: `id` names the object (for a delete, the id it had). */
export function eventOf(c: Change, accountId: number): NewFeedEvent {
  const metadata = toStorageObject(c.entry, accountId, { rawData: false });
  return { type: c.type as FeedEventType, objectId: metadata.id, metadata };
}

/** The webhook event of a change; uploads through the API have their own (`file.uploaded`, sent by the upload path). */
export function webhookOf(c: Change, accountId: number): { type: string; data: unknown } | null {
  const obj = toStorageObject(c.entry, accountId, { rawData: false });
  const source = c.source === 'external' ? 'external' : 'api';
  switch (c.type) {
    case 'add':
      if (obj.type === 'folder') return { type: FOLDER_CREATED, data: { account: accountId, folder: obj, source: c.source } satisfies FolderCreatedData };
      return {
        type: FILE_UPLOADED,
        data: { account: accountId, file: obj, client: c.source === 'external' ? 'external' : 'computer', source: c.source, upload_tags: {} } satisfies FileUploadedData,
      };
    case 'update':
      return { type: FILE_UPDATED, data: { account: accountId, file: obj, source } satisfies FileUpdatedData };
    case 'delete':
      return { type: FILE_DELETED, data: { account: accountId, file: { id: obj.id, name: obj.name, path: obj.path, type: obj.type }, source } satisfies FileDeletedData };
    case 'move':
    case 'rename': {
      const before = toStorageObject(c.before, accountId, { rawData: false });
      return {
        type: FILE_MOVED,
        data: {
          account: accountId,
          file: obj,
          previous: { id: before.id, name: before.name, path: before.path, parent: before.parent ? { id: before.parent.id } : null },
          change: c.type,
          source,
        } satisfies FileMovedData,
      };
    }
  }
}
