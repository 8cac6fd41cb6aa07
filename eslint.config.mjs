// Lint: typescript-eslint's recommended rules, plus the fence that keeps the engine pure
// (ARCHITECTURE.md, "Architecture invariants").
import tseslint from 'typescript-eslint';

const nodeOnly = ['fs', 'node:*', 'path', 'os', 'child_process', 'worker_threads', 'process', 'vscode', 'vscode-*'];

export default tseslint.config(
  { ignores: ['out/**', '.e2e/**', 'node_modules/**', '**/*.generated.ts', 'media/dist/**', 'dist/**', '*.vsix', '.bench/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: nodeOnly.map((group) => ({ group: [group], message: 'server/src/core is pure: no Node, editor or I/O imports (inject through SpecHost).' })) }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'setTimeout', 'setInterval', 'Date', 'performance', 'console'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded generator in rng.ts' }, { object: 'Date', property: 'now' }],
    },
  },
  {
    // The adapters (CLI, language server, worker, extension, webview) use the engine through its
    // front, server/src/core/index.ts, and nothing deeper.
    files: ['server/src/**/*.ts', 'client/**/*.ts', 'media/**/*.ts'],
    ignores: ['server/src/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/core/*', '!**/core/index'], message: 'import the engine from its front, server/src/core (index.ts), not from its insides.' }] }],
    },
  },
  {
    files: ['scripts/**/*.js', 'bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
