import type { Request } from 'express';
import type { GatewayConfig } from '../gateway.config';

/** The gateway's address as clients reach it (PUBLIC_URL, else the request's scheme and Host), for URLs it hands out. */
export function publicBaseOf(config: Pick<GatewayConfig, 'PUBLIC_URL'>, req: Request): string {
  return (config.PUBLIC_URL || `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
}
