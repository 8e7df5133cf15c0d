export * from './budget-state-extension';
export * from './budget-state-publisher';
export * from './spend-sql';
export * from './spend-window';
