/** Two projects: the project's own suite (runs on a bare clone) and the suite over ../shared/samples (skips when absent). */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{core,connectors,test}/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.samples\\.test\\.ts$'] },
    { ...common, displayName: 'samples', testMatch: ['<rootDir>/{core,connectors,test}/**/*.samples.test.ts'] },
  ],
};
