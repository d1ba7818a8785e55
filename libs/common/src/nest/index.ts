export * from './tokens';
export * from './bootstrap';
export * from './service-core.module';
export * from './graceful-shutdown';
