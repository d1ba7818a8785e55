import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { EncodeRawId, FileGet, FolderCreate, FolderGet, FolderList, handleRpc, LOGGER, ObjectCopy, ObjectDelete, ObjectUpdate, Presign, Search } from '@app/common';
import { StorageService } from './storage.service';

@Controller()
export class StorageController {
  constructor(private readonly storage: StorageService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(FolderList.topic)
  listFolder(@Payload() payload: unknown) {
    return handleRpc(FolderList, payload, this.logger, (data, meta) => this.storage.listFolder(meta, data));
  }

  @MessagePattern(Presign.topic)
  presign(@Payload() payload: unknown) {
    return handleRpc(Presign, payload, this.logger, (data, meta) => this.storage.presign(meta, data));
  }

  @MessagePattern(FolderGet.topic)
  getFolder(@Payload() payload: unknown) {
    return handleRpc(FolderGet, payload, this.logger, (data, meta) => this.storage.get(meta, 'folder', data.folderId, data));
  }

  @MessagePattern(FileGet.topic)
  getFile(@Payload() payload: unknown) {
    return handleRpc(FileGet, payload, this.logger, (data, meta) => this.storage.get(meta, 'file', data.fileId, data));
  }

  @MessagePattern(FolderCreate.topic)
  createFolder(@Payload() payload: unknown) {
    return handleRpc(FolderCreate, payload, this.logger, (data, meta) => this.storage.createFolder(meta, data));
  }

  @MessagePattern(ObjectUpdate.topic)
  update(@Payload() payload: unknown) {
    return handleRpc(ObjectUpdate, payload, this.logger, (data, meta) => this.storage.update(meta, data));
  }

  @MessagePattern(ObjectCopy.topic)
  copy(@Payload() payload: unknown) {
    return handleRpc(ObjectCopy, payload, this.logger, (data, meta) => this.storage.copy(meta, data));
  }

  @MessagePattern(ObjectDelete.topic)
  delete(@Payload() payload: unknown) {
    return handleRpc(ObjectDelete, payload, this.logger, (data, meta) => this.storage.delete(meta, data));
  }

  @MessagePattern(Search.topic)
  search(@Payload() payload: unknown) {
    return handleRpc(Search, payload, this.logger, (data, meta) => this.storage.search(meta, data));
  }

  @MessagePattern(EncodeRawId.topic)
  encodeRawId(@Payload() payload: unknown) {
    return handleRpc(EncodeRawId, payload, this.logger, (data, meta) => this.storage.encodeRawId(meta, data));
  }
}
