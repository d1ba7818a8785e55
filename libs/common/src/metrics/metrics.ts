import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * The process's Prometheus metrics, one registry per process (prom-client's
 * default). Every label set is bounded: route templates and topic names, never
 * raw paths, ids or user input. Served at GET /metrics (see MetricsController).
 */
export const metricsRegistry = register;

let defaultsStarted = false;
/** Process metrics (CPU, memory, event-loop lag, GC) with the service name as a label. */
export function startDefaultMetrics(service: string): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  register.setDefaultLabels({ service });
  collectDefaultMetrics({ register });
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Gateway: public HTTP requests by route template, method and status. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Public API requests by route template, method and status code.',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Callers: Kafka request-reply round trips by topic and outcome (ok, error, timeout, unavailable). */
export const rpcClientDuration = new Histogram({
  name: 'kafka_rpc_client_duration_seconds',
  help: 'Kafka request-reply round trips as seen by the caller, by topic and outcome.',
  labelNames: ['topic', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Servers: time spent handling a request, by topic and outcome (ok, error, invalid, expired). */
export const rpcHandlerDuration = new Histogram({
  name: 'kafka_rpc_handler_duration_seconds',
  help: 'Kafka request handling time in the serving service, by topic and outcome.',
  labelNames: ['topic', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Events published, by topic. */
export const eventsPublished = new Counter({
  name: 'kafka_events_published_total',
  help: 'Domain events published to Kafka, by topic.',
  labelNames: ['topic'] as const,
});

/** Bytes streamed through the gateway and connectors, by direction (upload, download). */
export const bytesStreamed = new Counter({
  name: 'bytes_streamed_total',
  help: 'File bytes streamed, by direction (upload: client to storage, download: storage to client).',
  labelNames: ['direction'] as const,
});

/** Connectors: upstream calls by connector (service name), operation and outcome (ok or the error class). */
export const upstreamCalls = new Counter({
  name: 'connector_upstream_calls_total',
  help: 'Calls to upstream storage services, by connector, operation and outcome.',
  labelNames: ['connector', 'operation', 'outcome'] as const,
});

/** Webhooks: delivery attempts by outcome (delivered, failed, retrying, disabled). */
export const deliveryAttempts = new Counter({
  name: 'webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts, by outcome.',
  labelNames: ['outcome'] as const,
});

/** Auth: OAuth token refreshes by outcome (refreshed, reused: a peer had refreshed, lost_race, needs_reauth, failed). */
export const tokenRefreshes = new Counter({
  name: 'oauth_token_refreshes_total',
  help: 'OAuth token refreshes by outcome.',
  labelNames: ['outcome'] as const,
});

/** Bull queue depth by queue and state, refreshed on each scrape by registerQueueDepth. */
export const queueJobs = new Gauge({
  name: 'queue_jobs',
  help: 'Jobs in a Bull queue, by queue and state (waiting, active, delayed, failed).',
  labelNames: ['queue', 'state'] as const,
});

/** Bull job outcomes by queue (completed, failed). */
export const queueJobOutcomes = new Counter({
  name: 'queue_job_outcomes_total',
  help: 'Finished Bull jobs, by queue and outcome.',
  labelNames: ['queue', 'outcome'] as const,
});

const scrapeHooks: Array<() => Promise<void>> = [];
/** Work to do before each scrape (reading a lag, a queue's counts); failures keep the last figures. */
export function beforeScrape(hook: () => Promise<void>): void {
  scrapeHooks.push(hook);
}

const queueDepthSources = new Map<string, () => Promise<Record<string, number>>>();
/** Makes each scrape read the queue's job counts (one Redis round trip per queue, only when scraped). */
export function registerQueueDepth(queue: string, counts: () => Promise<Record<string, number>>): void {
  queueDepthSources.set(queue, counts);
}

/** The text Prometheus scrapes. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  await Promise.all(scrapeHooks.map((hook) => hook().catch(() => undefined)));
  await Promise.all(
    [...queueDepthSources].map(async ([queue, counts]) => {
      try {
        const c = await counts();
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) queueJobs.set({ queue, state }, c[state] ?? 0);
      } catch {
        // a queue that cannot be read keeps its last figures; its Redis health shows in /health/ready
      }
    }),
  );
  return { contentType: register.contentType, body: await register.metrics() };
}

/** Seconds since `start` (from process.hrtime.bigint()). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
