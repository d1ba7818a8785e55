export * from './secret-box';
export * from './sealed-column';
