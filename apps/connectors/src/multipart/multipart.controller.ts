import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, MultipartAbort, MultipartComplete, MultipartCreate, MultipartGet } from '@app/common';
import { MultipartService } from './multipart.service';

@Controller()
export class MultipartController {
  constructor(private readonly multipart: MultipartService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(MultipartCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(MultipartCreate, payload, this.logger, (data, meta) => this.multipart.create(meta, data));
  }

  @MessagePattern(MultipartGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(MultipartGet, payload, this.logger, (data, meta) => this.multipart.get(meta, data.sessionId));
  }

  @MessagePattern(MultipartComplete.topic)
  complete(@Payload() payload: unknown) {
    return handleRpc(MultipartComplete, payload, this.logger, (data, meta) => this.multipart.complete(meta, data.sessionId, data.rawData));
  }

  @MessagePattern(MultipartAbort.topic)
  abort(@Payload() payload: unknown) {
    return handleRpc(MultipartAbort, payload, this.logger, (data, meta) => this.multipart.abort(meta, data.sessionId));
  }
}
