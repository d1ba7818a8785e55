export * from './secret-box';
export * from './sealed-column';
export * from './secrets-equal';
export * from './bearer-token';
export * from './credentials-transport';
export * from './link-token';
