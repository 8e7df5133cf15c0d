export * from './adapter';
export * from './registry';
