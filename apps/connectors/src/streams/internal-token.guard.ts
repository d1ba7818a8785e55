import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppError, CONFIG } from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';

/** The stream endpoint is for the gateway only: it must present INTERNAL_TOKEN. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CONFIG) config: ConnectorsConfig) {
    this.expected = digest(config.INTERNAL_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const given = context.switchToHttp().getRequest<Request>().header('x-internal-token') ?? '';
    if (timingSafeEqual(digest(given), this.expected)) return true;
    throw new AppError('unauthorized', 'This endpoint is internal.');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
