import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, PropertiesDelete, PropertiesGet, PropertiesUpdate } from '@app/common';
import { PropertiesService } from './properties.service';

@Controller()
export class PropertiesController {
  constructor(private readonly properties: PropertiesService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(PropertiesGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(PropertiesGet, payload, this.logger, (data, meta) => this.properties.get(meta, data.fileId));
  }

  @MessagePattern(PropertiesUpdate.topic)
  update(@Payload() payload: unknown) {
    return handleRpc(PropertiesUpdate, payload, this.logger, (data, meta) => this.properties.update(meta, data.fileId, data.changes));
  }

  @MessagePattern(PropertiesDelete.topic)
  delete(@Payload() payload: unknown) {
    return handleRpc(PropertiesDelete, payload, this.logger, (data, meta) => this.properties.deleteAll(meta, data.fileId));
  }
}
