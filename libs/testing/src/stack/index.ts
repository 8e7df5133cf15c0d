export { DEFAULT_STACK_DIR, localStackEnv, parseEnvFile } from './local-stack-env';
export type { LocalStackEnv, LocalStackEnvOptions } from './local-stack-env';
