/**
 * Kafka headers of a request and its reply. The names are Nest's own
 * (`KafkaHeaders`), so Nest's Kafka server answers our requests unchanged.
 */
export const RPC_HEADERS = Object.freeze({
  correlationId: 'kafka_correlationId',
  replyTopic: 'kafka_replyTopic',
  replyPartition: 'kafka_replyPartition',
  /** Set by the server when it could not run any handler (e.g. no handler for the topic). */
  error: 'kafka_nest-err',
});
