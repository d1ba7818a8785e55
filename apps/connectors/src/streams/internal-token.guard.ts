import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppError, CONFIG, secretsEqual } from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';

/** The stream endpoint is for the gateway only: it must present INTERNAL_TOKEN. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  constructor(@Inject(CONFIG) private readonly config: ConnectorsConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const given = context.switchToHttp().getRequest<Request>().header('x-internal-token') ?? '';
    if (secretsEqual(given, this.config.INTERNAL_TOKEN)) return true;
    throw new AppError('unauthorized', 'This endpoint is internal.');
  }
}
