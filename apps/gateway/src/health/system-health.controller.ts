import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CONFIG, HEALTH_PROBES, withTimeout, type HealthProbe } from '@app/common';
import { Access } from '../access/access.decorator';
import type { GatewayConfig } from '../gateway.config';

type Status = { status: 'up' } | { status: 'down'; reason: string };

/**
 * GET /health: the whole system for ops. The gateway's own dependencies plus
 * each back service's /health/ready; 200 when all are up, else 503 naming
 * what is down.
 */
@Controller('health')
@Access('public')
export class SystemHealthController {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(HEALTH_PROBES) private readonly probes: HealthProbe[],
  ) {}

  @Get()
  async check(@Res() res: Response): Promise<void> {
    const services: Record<string, Status> = {};
    const backs: [string, string][] = [
      ['auth', this.config.AUTH_HEALTH_URL],
      ['connectors', this.config.CONNECTORS_HEALTH_URL],
      ['transfer', this.config.TRANSFER_HEALTH_URL],
      ['webhooks', this.config.WEBHOOKS_HEALTH_URL],
    ];
    const [gateway, ...others] = await Promise.all([this.checkSelf(), ...backs.map(([, url]) => checkRemote(url))]);
    services.gateway = gateway;
    backs.forEach(([name], i) => (services[name] = others[i]));
    const down = Object.keys(services).filter((name) => services[name].status === 'down');
    if (down.length === 0) {
      res.status(200).json({ status: 'ok', services });
      return;
    }
    res.status(503).json({
      status: 'error',
      error_code: 'service_not_available',
      status_code: 503,
      message: `Not available: ${down.join(', ')}.`,
      down,
      services,
    });
  }

  private async checkSelf(): Promise<Status> {
    const failures: string[] = [];
    await Promise.all(
      this.probes.map((p) => withTimeout(p.check(), 2000).catch(() => failures.push(p.name))),
    );
    return failures.length ? { status: 'down', reason: `${failures.join(', ')} not reachable` } : { status: 'up' };
  }
}

async function checkRemote(url: string): Promise<Status> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2500) });
    if (res.ok) return { status: 'up' };
    const body = (await res.json().catch(() => ({}))) as { error?: Record<string, unknown> };
    const failing = Object.keys(body.error ?? {});
    return { status: 'down', reason: failing.length ? `${failing.join(', ')} not reachable` : `answered ${res.status}` };
  } catch {
    return { status: 'down', reason: 'not answering' };
  }
}
