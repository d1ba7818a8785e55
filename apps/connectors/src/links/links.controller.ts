import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LinkCreate, LinkDelete, LinkGet, LinkList, LinkResolve, LinkUpdate, LOGGER } from '@app/common';
import { LinksService } from './links.service';

@Controller()
export class LinksController {
  constructor(private readonly links: LinksService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(LinkCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(LinkCreate, payload, this.logger, (data, meta) => this.links.create(meta, data));
  }

  @MessagePattern(LinkList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(LinkList, payload, this.logger, (data, meta) => this.links.list(meta, data));
  }

  @MessagePattern(LinkGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(LinkGet, payload, this.logger, (data, meta) => this.links.get(meta, data.id, data.publicBase));
  }

  @MessagePattern(LinkUpdate.topic)
  update(@Payload() payload: unknown) {
    return handleRpc(LinkUpdate, payload, this.logger, (data, meta) => this.links.update(meta, data));
  }

  @MessagePattern(LinkDelete.topic)
  delete(@Payload() payload: unknown) {
    return handleRpc(LinkDelete, payload, this.logger, (data, meta) => this.links.delete(meta, data.id));
  }

  @MessagePattern(LinkResolve.topic)
  resolve(@Payload() payload: unknown) {
    return handleRpc(LinkResolve, payload, this.logger, (data) => this.links.resolve(data.tokenDigest));
  }
}
