export * from './kafka-options';
