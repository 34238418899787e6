// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { layerZones } from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'child_process', message: 'Use execa with argument arrays.' }] },
      ],
    },
  },
  {
    // The layers of src/ and their front doors (eslint/layers.js, docs/architecture.md).
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones() }] },
  },
  {
    // The pure core must not reach for processes, files or Kubernetes clients.
    files: ['src/policy/**/*.ts', 'src/plan/**/*.ts', 'src/run/**/*.ts', 'src/generate/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'child_process', 'execa', '@kubernetes/*'],
              message: 'src/policy, src/plan, src/run and src/generate are pure.',
            },
            {
              group: [
                '../cluster/*',
                '../cluster',
                '../manifests/*',
                '../manifests',
                '../lab/*',
                '../lab',
                '../cli/*',
                '../probe/*',
              ],
              message: 'The pure core imports no adapter.',
            },
          ],
        },
      ],
    },
  },
  {
    // Manifests into a cluster state, offline: what predict, explain and generate --state load.
    files: ['src/manifests/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kubernetes/*', 'ws', 'execa', '../cluster/*', '../cluster', '../lab/*', '../lab'],
              message: 'src/manifests is offline: a live cluster is src/cluster.',
            },
          ],
        },
      ],
    },
  },
  {
    // The facts every layer shares: pure, and importing nothing else of the project.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'child_process', 'execa', '@kubernetes/*'],
              message: 'src/shared is pure.',
            },
            {
              group: ['../*'],
              message: 'src/shared is the lowest layer: it imports nothing of the project.',
            },
          ],
        },
      ],
    },
  },
);
