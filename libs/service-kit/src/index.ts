export * from './env';
export * from './health';
export * from './http-tracing.interceptor';
export * from './metrics';
export * from './shutdown';
