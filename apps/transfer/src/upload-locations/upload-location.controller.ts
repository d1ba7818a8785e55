import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import {
  ACCOUNT_DELETED,
  handleRpc,
  LOGGER,
  UploadLocationCreate,
  UploadLocationDelete,
  UploadLocationGet,
  UploadLocationList,
  UploadLocationResolve,
  UploadLocationUpdate,
  type DomainEvent,
} from '@app/common';
import { UploadLocationService } from './upload-location.service';

@Controller()
export class UploadLocationController {
  constructor(private readonly locations: UploadLocationService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(UploadLocationCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(UploadLocationCreate, payload, this.logger, (data, meta) => this.locations.create(meta, data));
  }

  @MessagePattern(UploadLocationList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(UploadLocationList, payload, this.logger, (data, meta) => this.locations.list(meta, data.page, data.pageSize));
  }

  @MessagePattern(UploadLocationGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(UploadLocationGet, payload, this.logger, (data, meta) => this.locations.get(meta, data.id));
  }

  @MessagePattern(UploadLocationUpdate.topic)
  update(@Payload() payload: unknown) {
    return handleRpc(UploadLocationUpdate, payload, this.logger, (data, meta) => this.locations.update(meta, data));
  }

  @MessagePattern(UploadLocationDelete.topic)
  remove(@Payload() payload: unknown) {
    return handleRpc(UploadLocationDelete, payload, this.logger, (data, meta) => this.locations.remove(meta, data.id));
  }

  @MessagePattern(UploadLocationResolve.topic)
  resolve(@Payload() payload: unknown) {
    return handleRpc(UploadLocationResolve, payload, this.logger, (data, meta) => this.locations.resolve(meta, data));
  }

  /** A deleted account takes its upload locations with it (the next oldest becomes the default). */
  @EventPattern(ACCOUNT_DELETED)
  async accountDeleted(@Payload() event: DomainEvent<unknown>) {
    if (event?.appId && typeof event.accountId === 'number') await this.locations.forgetAccount({ appId: event.appId }, event.accountId);
  }
}
