export * from './error-table.ts';
export * from './gateway-error.ts';
