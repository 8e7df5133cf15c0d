export { compileCondition } from './compile';
export type { CompileResult, Condition } from './compile';
export { CONDITION_VARIABLES } from './variables';
export type { ConditionVariables } from './variables';
