export * from './database-options';
