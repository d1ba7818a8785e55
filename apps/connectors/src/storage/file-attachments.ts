import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AccountScope } from '../multipart/multipart-session.repository';

/** Tables whose rows belong to a file, keyed by (app_id, account_id, path) where `path` holds the file's locator. */
const ATTACHED = ['file_properties', 'links'] as const;

/**
 * Keeps what we store about files (properties, links) in step with the files
 * when they change through our API: gone with the file, its folder or its
 * account; moved with a rename or move where the locator is the path (on
 * id-addressed services a move keeps the locator, and the rows). A
 * file deleted outside our API keeps its rows until then, but they are only
 * reachable through the file, which is checked upstream on every call.
 */
@Injectable()
export class FileAttachments {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * After a delete: the file's rows, or (path-addressed) those of everything
   * below the folder. Below a deleted folder of an id-addressed service, rows
   * stay until their account goes, unreachable: every call checks the file upstream.
   */
  async removed(scope: AccountScope, locator: string, kind: 'file' | 'folder', addressing: 'path' | 'id'): Promise<void> {
    const match = addressing === 'path' ? matches(kind) : 'path = $3';
    await this.db.transaction(async (m) => {
      for (const table of ATTACHED) await m.query(`DELETE FROM ${table} WHERE app_id = $1 AND account_id = $2 AND ${match}`, [scope.appId, scope.accountId, locator]);
    });
  }

  /** After a rename or move from locator `from` to `to` (the same on id-addressed services). Stale rows at the target (a file removed outside our API) give way. */
  async moved(scope: AccountScope, from: string, to: string, kind: 'file' | 'folder'): Promise<void> {
    if (from === to) return;
    await this.db.transaction(async (m) => {
      for (const table of ATTACHED) {
        await m.query(`DELETE FROM ${table} WHERE app_id = $1 AND account_id = $2 AND ${matches(kind)}`, [scope.appId, scope.accountId, to]);
        await m.query(
          `UPDATE ${table} SET path = $4 || substr(path, length($3) + 1) WHERE app_id = $1 AND account_id = $2 AND ${matches(kind)}`,
          [scope.appId, scope.accountId, from, to],
        );
      }
    });
  }

  /** The account is gone: everything stored for it. */
  async accountDeleted(scope: AccountScope): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const table of ATTACHED) await m.query(`DELETE FROM ${table} WHERE app_id = $1 AND account_id = $2`, [scope.appId, scope.accountId]);
    });
  }
}

/** `$3` is the file's path, or the folder's: then everything strictly below it (root is never deleted or moved). */
function matches(kind: 'file' | 'folder'): string {
  return kind === 'file' ? 'path = $3' : `left(path, length($3) + 1) = $3 || '/'`;
}
