import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { CapabilitiesGet, CredentialsValidate, handleRpc, LOGGER } from '@app/common';
import { ConnectorFactory } from './connector-factory';

@Controller()
export class CredentialsController {
  constructor(private readonly factory: ConnectorFactory, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(CredentialsValidate.topic)
  validate(@Payload() payload: unknown) {
    return handleRpc(CredentialsValidate, payload, this.logger, (data, meta) => this.factory.validate(meta.appId, data.service, data.config));
  }

  @MessagePattern(CapabilitiesGet.topic)
  capabilities(@Payload() payload: unknown) {
    return handleRpc(CapabilitiesGet, payload, this.logger, async (data) => this.factory.capabilities(data.service));
  }
}
