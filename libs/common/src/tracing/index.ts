export * from './traceparent';
export * from './otlp-exporter';
