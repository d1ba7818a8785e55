import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Gauge } from 'prom-client';
import { kafkaSecurity, type KafkaSettings } from '../kafka/kafka-options';

/** Messages not yet consumed by a service's own consumer group, per topic (summed over partitions). */
export const consumerLag = new Gauge({
  name: 'kafka_consumer_lag',
  help: "Messages on a topic not yet committed by the service's consumer group (latest offset minus committed), summed over partitions.",
  labelNames: ['group', 'topic'] as const,
});

/** How many messages `committed` is behind `latest`, per topic; an uncommitted partition counts from its earliest offset. */
export function lagByTopic(
  latest: Array<{ topic: string; partitions: Array<{ partition: number; high: string; low: string }> }>,
  committed: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>,
): Map<string, number> {
  const lag = new Map<string, number>();
  for (const { topic, partitions } of latest) {
    const done = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    let sum = 0;
    for (const p of partitions) {
      const at = done.get(p.partition);
      const from = at === undefined || at < 0 ? Number(p.low) : at;
      sum += Math.max(0, Number(p.high) - from);
    }
    lag.set(topic, sum);
  }
  return lag;
}

/**
 * Reads the lag of one consumer group on scrape, at most every `minIntervalMs`
 * (a few admin round trips); a broker that cannot be reached keeps the last
 * figures (its health shows in /health/ready).
 */
export class ConsumerLagProbe {
  private admin: Admin | null = null;
  private last = 0;

  constructor(private readonly settings: KafkaSettings, private readonly group: string, private readonly topics: string[], private readonly minIntervalMs = 10_000) {}

  async refresh(): Promise<void> {
    if (this.topics.length === 0 || Date.now() - this.last < this.minIntervalMs) return;
    this.last = Date.now();
    try {
      if (!this.admin) {
        const kafka = new Kafka({ clientId: `${this.group}-lag`, brokers: this.settings.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 }, ...kafkaSecurity(this.settings) });
        this.admin = kafka.admin();
        await this.admin.connect();
      }
      const latest = await Promise.all(this.topics.map(async (topic) => ({ topic, partitions: (await this.admin!.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, high: p.high, low: p.low })) })));
      const committed = await this.admin.fetchOffsets({ groupId: this.group, topics: this.topics });
      for (const [topic, lag] of lagByTopic(latest, committed)) consumerLag.set({ group: this.group, topic }, lag);
    } catch {
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = null;
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
