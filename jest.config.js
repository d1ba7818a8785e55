// Nest 12 packages are ESM-only; the app is CommonJS and loads them through
// Node's require(esm). Jest's own module loader cannot, so ESM packages in
// node_modules are compiled to CommonJS by babel-jest for the tests.
const esmPackages = ['@nestjs', 'webdav', 'uuid', '@buttercup/fetch', '@nodable/entities', 'entities', 'fast-xml-parser', 'fast-xml-builder', 'path-expression-matcher', 'xml-naming', 'is-unsafe', 'strnum', 'anynum', 'hot-patcher', 'layerr', 'minimatch', 'brace-expansion', 'balanced-match', 'node-fetch', 'data-uri-to-buffer', 'fetch-blob', 'formdata-polyfill', 'url-join'];
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    '^.+\\.m?js$': ['babel-jest', { babelrc: false, configFile: false, plugins: [require.resolve('./test/support/babel-rename-esm-require.js'), 'babel-plugin-transform-import-meta', '@babel/plugin-transform-modules-commonjs'] }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: { '^@app/common$': '<rootDir>/libs/common/src', '^@app/common/(.*)$': '<rootDir>/libs/common/src/$1' },
  rootDir: __dirname,
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
