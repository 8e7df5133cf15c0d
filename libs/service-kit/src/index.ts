export * from './env';
export * from './health';
export * from './shutdown';
