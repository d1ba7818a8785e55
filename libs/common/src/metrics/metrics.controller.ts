import { Controller, Get, Res, SetMetadata } from '@nestjs/common';
import type { Response } from 'express';
import { renderMetrics } from './metrics';

/**
 * GET /metrics in Prometheus text format, on each service's health port. On
 * the gateway (whose health port is the public port) it needs the admin token:
 * the 'access' metadata is read by the gateway's AccessGuard.
 */
@Controller('metrics')
@SetMetadata('access', 'admin')
export class MetricsController {
  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await renderMetrics();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
