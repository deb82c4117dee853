export * from './command-handlers.ts';
