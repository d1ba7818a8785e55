export * from './kafka-options';
export * from './batching-producer';
export * from './offset-tracker';
