export { DEFAULT_STACK_DIR, localStackEnv, parseEnvFile } from './local-stack-env';
export type { LocalStackEnv, LocalStackEnvOptions } from './local-stack-env';
export { createScratchDatabase } from './scratch-database';
export type { ScratchDatabase } from './scratch-database';
export * from './cuttable-proxy';
