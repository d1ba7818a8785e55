export * from './rpc-handler';
export * from './rpc-client';
export * from './event-publisher';
export * from './rpc-server';
export * from './rpc-headers';
