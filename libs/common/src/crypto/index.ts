export * from './secret-box';
export * from './sealed-column';
export * from './secrets-equal';
