import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import {
  AppError,
  EVENT_PUBLISHER,
  EventPublisher,
  FILE_UPLOADED,
  type FileUploadedData,
  type PublicStorageObject,
  NotFoundError,
  objectList,
  type MessageMeta,
  type ObjectList,
  type ParsedRequestOf,
  type PresignedUploadCreate,
  type PublicUploadRecord,
  type UploadStatus,
} from '@app/common';
import { PresignedUploadEntity } from './presigned-upload.entity';

/**
 * Records of the presigned-upload API (seed 001), one app's at a time. Status
 * moves one way: Started → (In Transit) → Complete; each move is one
 * conditional UPDATE, so two racing registrations cannot both succeed.
 */
@Injectable()
export class PresignedUploadService {
  constructor(
    @InjectRepository(PresignedUploadEntity) private readonly repo: Repository<PresignedUploadEntity>,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
  ) {}

  async create(meta: MessageMeta, input: ParsedRequestOf<typeof PresignedUploadCreate>): Promise<PublicUploadRecord> {
    const row = this.repo.create({ ...input, appId: meta.appId, size: String(input.size), status: 'Started', expiresAt: new Date(input.expiresAt) });
    return toPublic(await this.repo.save(row));
  }

  async get(meta: MessageMeta, where: { id: string } | { key: string }): Promise<PublicUploadRecord> {
    const row = await this.repo.findOneBy({ appId: meta.appId, ...where });
    if (!row) throw new NotFoundError('id' in where ? `File ${where.id} was not found.` : `No presigned upload has the key "${where.key.slice(0, 64)}".`);
    return toPublic(row);
  }

  async list(meta: MessageMeta, page: number, pageSize: number): Promise<ObjectList<PublicUploadRecord>> {
    const [rows, total] = await this.repo.findAndCount({ where: { appId: meta.appId }, order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize });
    if (rows.length === 0 && page > 1) throw new NotFoundError(`Page ${page} is past the last page.`);
    return objectList('storage', rows.map(toPublic), page, page * pageSize < total, total);
  }

  /** `file` (Complete only) is announced as `file.uploaded` once the record is complete. */
  async mark(meta: MessageMeta, id: string, status: Exclude<UploadStatus, 'Started'>, file?: PublicStorageObject): Promise<PublicUploadRecord> {
    const current = await this.get(meta, { id });
    if (current.status === 'Complete') {
      throw status === 'Complete'
        ? new AppError('file/s3-key-already-exists', `The file with key "${current.key}" is already registered.`)
        : new AppError('file/access-denied', 'This upload URL was already used: the file is registered.');
    }
    if (status === 'In Transit' && Date.parse(current.expiresAt) < Date.now()) throw new AppError('file/access-denied', 'This upload URL has expired; ask for a new one.');
    const res = await this.repo.update({ appId: meta.appId, id, status: In(['Started', 'In Transit']) }, { status });
    if ((res.affected ?? 0) === 0) throw new AppError('file/s3-key-already-exists', `The file with key "${current.key}" is already registered.`);
    const record = await this.get(meta, { id });
    if (file) {
      await this.events.publish<FileUploadedData>(FILE_UPLOADED, meta, record.accountId, {
        account: record.accountId, file, client: 'computer', source: 'presigned', upload_tags: record.tags,
      });
    }
    return record;
  }

  async remove(meta: MessageMeta, id: string): Promise<{ deleted: true }> {
    const res = await this.repo.delete({ appId: meta.appId, id });
    if ((res.affected ?? 0) === 0) throw new NotFoundError(`File ${id} was not found.`);
    return { deleted: true };
  }
}

function toPublic(row: PresignedUploadEntity): PublicUploadRecord {
  return {
    id: row.id,
    key: row.key,
    filename: row.filename,
    contentType: row.contentType,
    size: Number(row.size),
    tags: row.tags,
    status: row.status as UploadStatus,
    accountId: row.accountId,
    folderId: row.folderId,
    fileId: row.fileId,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
