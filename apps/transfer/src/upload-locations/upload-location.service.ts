import { Injectable } from '@nestjs/common';
import { NotFoundError, objectList, type MessageMeta, type ObjectList, type PublicUploadLocation } from '@app/common';
import type { UploadLocationEntity } from './upload-location.entity';
import { UploadLocationRepository } from './upload-location.repository';

/** Upload locations of the calling app (seed 000): CRUD, one default, and where a copy to `upload_location` goes. */
@Injectable()
export class UploadLocationService {
  constructor(private readonly locations: UploadLocationRepository) {}

  async create(meta: MessageMeta, input: { accountId: number; folderId: string; default?: boolean }): Promise<PublicUploadLocation> {
    return toPublic(await this.locations.create(meta, { accountId: input.accountId, folderId: input.folderId, makeDefault: input.default === true }));
  }

  async list(meta: MessageMeta, page: number, pageSize: number): Promise<ObjectList<PublicUploadLocation>> {
    const { rows, total } = await this.locations.page(meta, page, pageSize);
    if (rows.length === 0 && page > 1) throw new NotFoundError(`Page ${page} is past the last page.`);
    return objectList('storage', rows.map(toPublic), page, page * pageSize < total, total);
  }

  async get(meta: MessageMeta, id: string): Promise<PublicUploadLocation> {
    return toPublic(found(await this.locations.findOne(meta, id), id));
  }

  async update(meta: MessageMeta, input: { id: string; folderId?: string; default?: true }): Promise<PublicUploadLocation> {
    return toPublic(found(await this.locations.update(meta, input.id, { folderId: input.folderId, makeDefault: input.default }), input.id));
  }

  async remove(meta: MessageMeta, id: string): Promise<{ deleted: true }> {
    if (!(await this.locations.remove(meta, id))) throw new NotFoundError(`Upload location ${id} was not found.`);
    return { deleted: true };
  }

  async forgetAccount(scope: { appId: string }, accountId: number): Promise<void> {
    for (const row of await this.locations.inAccount(scope, accountId)) await this.locations.remove(scope, row.id);
  }

  async resolve(meta: MessageMeta, where: { accountId?: number; folderId?: string }): Promise<PublicUploadLocation> {
    const row = await this.locations.find(meta, where);
    if (row) return toPublic(row);
    throw new NotFoundError(
      where.accountId === undefined
        ? 'This app has no upload location; create one with POST /v1/upload_locations.'
        : `This app has no upload location in account ${where.accountId}${where.folderId !== undefined ? ` and folder ${where.folderId}` : ''}.`,
    );
  }
}

function found(row: UploadLocationEntity | null, id: string): UploadLocationEntity {
  if (!row) throw new NotFoundError(`Upload location ${id} was not found.`);
  return row;
}

function toPublic(row: UploadLocationEntity): PublicUploadLocation {
  return {
    id: row.id,
    account_id: row.accountId,
    folder_id: row.folderId,
    default: row.isDefault,
    created: row.createdAt.toISOString(),
    modified: row.updatedAt.toISOString(),
    type: 'upload_location',
  };
}
