export * from './with-timeout';
export * from './semaphore';
export * from './per-key-order';
export * from './micro-batcher';
