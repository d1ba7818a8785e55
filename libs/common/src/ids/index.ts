export * from './storage-id';
