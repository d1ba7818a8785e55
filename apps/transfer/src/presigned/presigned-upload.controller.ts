import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, PresignedUploadCreate, PresignedUploadDelete, PresignedUploadGet, PresignedUploadList, PresignedUploadMark, type PublicStorageObject } from '@app/common';
import { PresignedUploadService } from './presigned-upload.service';

@Controller()
export class PresignedUploadController {
  constructor(private readonly uploads: PresignedUploadService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(PresignedUploadCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(PresignedUploadCreate, payload, this.logger, (data, meta) => this.uploads.create(meta, data));
  }

  @MessagePattern(PresignedUploadGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(PresignedUploadGet, payload, this.logger, (data, meta) => this.uploads.get(meta, data));
  }

  @MessagePattern(PresignedUploadList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(PresignedUploadList, payload, this.logger, (data, meta) => this.uploads.list(meta, data.page, data.pageSize));
  }

  @MessagePattern(PresignedUploadMark.topic)
  mark(@Payload() payload: unknown) {
    return handleRpc(PresignedUploadMark, payload, this.logger, (data, meta) => this.uploads.mark(meta, data.id, data.status, data.status === 'Complete' ? (data.file as unknown as PublicStorageObject) : undefined));
  }

  @MessagePattern(PresignedUploadDelete.topic)
  remove(@Payload() payload: unknown) {
    return handleRpc(PresignedUploadDelete, payload, this.logger, (data, meta) => this.uploads.remove(meta, data.id));
  }
}
