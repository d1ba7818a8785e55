import * as s3Server from '../../../apps/connectors/test/servers/s3';
import { createApp, startTestStack, type TestStack } from './test-stack';

export interface TwoApps {
  stack: TestStack;
  /** API keys of two apps: A owns what the cases make, B tries to reach it. */
  keyA: string;
  keyB: string;
  s3: Awaited<ReturnType<typeof s3Server.start>>;
}

/** An account body for `POST /v1/accounts`, made once the servers are up. */
export type AccountBody = () => { service: string; config: object };

/**
 * For suites that run the same cases on local disk and on S3 (s3rver): one
 * stack, two apps and an S3 server, started before and stopped after the
 * calling `describe`. Returns the filled-in context and the services table for
 * `describe.each` (the local account is the folder `localPath`).
 */
export function twoAppsOnLocalAndS3(basePort: number, extra: Record<string, Record<string, string>>, localPath: string): { world: TwoApps; services: [string, AccountBody][] } {
  const world = {} as TwoApps;
  beforeAll(async () => {
    // s3rver listens on loopback, which the outbound address policy refuses unless allowed.
    world.stack = await startTestStack(basePort, { ...extra, gateway: { RATE_LIMIT_PER_SECOND: '1000', ...extra.gateway }, connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback', ...extra.connectors } });
    world.keyA = (await createApp(world.stack, 'app A')).apiKey;
    world.keyB = (await createApp(world.stack, 'app B')).apiKey;
    world.s3 = await s3Server.start();
  });
  afterAll(async () => {
    await world.s3?.stop();
    await world.stack?.stop();
  });
  return {
    world,
    services: [
      ['local', () => ({ service: 'local', config: { path: localPath } })],
      ['s3', () => ({ service: 's3_compatible', config: world.s3.config })],
    ],
  };
}
