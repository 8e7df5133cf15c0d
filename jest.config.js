/**
 * One Jest run for the whole monorepo, three tiers told apart by file name (STYLE.md 7):
 * `*.spec.ts` unit, `*.int-spec.ts` integration (real local stack), `*.e2e-spec.ts` whole system.
 * Sources run through SWC (no type checking here: `npm run typecheck` does that), and
 * `@optscale/<lib>` resolves to the library's sources, so tests never need a build.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@optscale/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  rootDir: __dirname,
};
module.exports = {
  // Hooks start and stop real servers and CLIs; unit tests finish far below this.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/*/{src,test}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/*/{src,test}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs}/*/{src,test}/**/*.e2e-spec.ts'] },
  ],
};
