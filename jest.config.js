// Tests live under test/, named by tier: *.unit.spec.ts (pure code, no I/O),
// *.int.spec.ts (HTTP API, CLI and store in-process or as child processes, on real files).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // Suites start servers and child processes: two workers fit this 2-core machine.
  maxWorkers: process.env.CI ? 2 : '50%',
};
