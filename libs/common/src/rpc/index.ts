export * from './rpc-handler';
export * from './rpc-client';
export * from './event-publisher';
