import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AccountScope } from '../multipart/multipart-session.repository';

/** Tables whose rows belong to a file, keyed by (app_id, account_id, path). */
const ATTACHED = ['file_properties', 'links'] as const;

/**
 * Keeps what we store about files (properties, links) in step with the files
 * when they change through our API: gone with the file, its folder or its
 * account; moved with a rename or move (the id is the path, so it changes). A
 * file deleted outside our API keeps its rows until then, but they are only
 * reachable through the file, which is checked upstream on every call.
 */
@Injectable()
export class FileAttachments {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** After a delete: the file's rows, or those of everything below the folder. */
  async removed(scope: AccountScope, path: string, kind: 'file' | 'folder'): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const table of ATTACHED) await m.query(`DELETE FROM ${table} WHERE app_id = $1 AND account_id = $2 AND ${matches(kind)}`, [scope.appId, scope.accountId, path]);
    });
  }

  /** After a rename or move from `from` to `to`. Stale rows at the target (a file removed outside our API) give way. */
  async moved(scope: AccountScope, from: string, to: string, kind: 'file' | 'folder'): Promise<void> {
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
