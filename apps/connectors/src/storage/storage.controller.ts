import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { FolderList, handleRpc, LOGGER } from '@app/common';
import { StorageService } from './storage.service';

@Controller()
export class StorageController {
  constructor(private readonly storage: StorageService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(FolderList.topic)
  listFolder(@Payload() payload: unknown) {
    return handleRpc(FolderList, payload, this.logger, (data, meta) => this.storage.listFolder(meta, data));
  }
}
