export * from './health-probe';
export * from './health.controller';
