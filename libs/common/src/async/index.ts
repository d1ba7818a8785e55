export * from './with-timeout';
export * from './semaphore';
