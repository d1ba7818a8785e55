import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, TokenIntrospect } from '@app/common';
import { AccessTokenService } from './access-token.service';

@Controller()
export class AccessTokenController {
  constructor(private readonly tokens: AccessTokenService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(TokenIntrospect.topic)
  introspect(@Payload() payload: unknown) {
    return handleRpc(TokenIntrospect, payload, this.logger, (data) => this.tokens.introspect(data.tokenSha256));
  }
}
