import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One finished span, in our terms (W3C ids as hex). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'server' | 'client' | 'internal';
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number>;
  error?: boolean;
}

const KIND = { internal: 1, server: 2, client: 3 } as const;
const FLUSH_MS = 1000;
const MAX_BATCH = 512;
const MAX_QUEUED = 10_000;

/**
 * Exports spans as OTLP/HTTP JSON (`POST <endpoint>/v1/traces`), batched every
 * second. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then `record` is a
 * no-op and nothing is allocated. A collector that is down loses spans (they
 * are dropped past MAX_QUEUED), never requests.
 */
class OtlpExporter {
  private queue: SpanRecord[] = [];
  private timer?: NodeJS.Timeout;
  private endpoint?: URL;
  private service = 'unknown';

  get enabled(): boolean {
    return this.endpoint !== undefined;
  }

  start(service: string, endpoint: string | undefined): void {
    if (!endpoint || this.endpoint) return;
    this.service = service;
    this.endpoint = new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(span: SpanRecord): void {
    if (!this.endpoint || this.queue.length >= MAX_QUEUED) return;
    this.queue.push(span);
    if (this.queue.length >= MAX_BATCH) void this.flush();
  }

  async flush(): Promise<void> {
    if (!this.endpoint || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: this.service } }] },
        scopeSpans: [{ scope: { name: 'unified-storage' }, spans: batch.map(toOtlp) }],
      }],
    });
    const send = this.endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
    await new Promise<void>((resolve) => {
      const req = send(this.endpoint!, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve());
      req.end(body);
    });
  }
}

function toOtlp(s: SpanRecord) {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: KIND[s.kind],
    startTimeUnixNano: String(BigInt(Math.round(s.startMs * 1000)) * 1000n),
    endTimeUnixNano: String(BigInt(Math.round(s.endMs * 1000)) * 1000n),
    attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
    status: { code: s.error ? 2 : 1 },
  };
}

export const spans = new OtlpExporter();
