import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER } from '@app/common';
import type { AuthConfig } from '../auth.config';
import { TokenRefreshService } from './token-refresh.service';

/** Runs the idle-account refresh every OAUTH_IDLE_SWEEP_INTERVAL_S (and once shortly after start). */
@Injectable()
export class IdleRefreshScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly refresher: TokenRefreshService,
    @Inject(CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const sweep = () => {
      if (this.running) return;
      this.running = this.refresher.refreshIdle()
        .catch((err: unknown) => this.logger.error({ err: String(err) }, 'auth.refresh.idle_sweep_failed'))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(sweep, this.config.OAUTH_IDLE_SWEEP_INTERVAL_S * 1000);
    this.timer.unref();
    setTimeout(sweep, 30_000).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
