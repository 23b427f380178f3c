// Tests run over the TypeScript sources: swc strips types and emits CommonJS for jest's module
// system; `.js` suffixes in relative imports (required by NodeNext) are mapped back to the .ts file,
// and workspace packages resolve to their sources so a test never runs against a stale dist/.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

const project = (name) => ({
  displayName: name,
  rootDir: `<rootDir>/packages/${name}`,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@msal-mtls/([a-z-]+)$': '<rootDir>/../$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
});

export default {
  projects: ['core', 'emulator', 'imds', 'cli', 'cng'].map(project),
  testTimeout: 30000,
};
