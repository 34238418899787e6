// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // The pure core must not reach for processes, files or Kubernetes clients.
    files: ['src/policy/**/*.ts', 'src/generate/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'child_process', 'execa', '@kubernetes/*'],
              message: 'src/policy and src/generate are pure.',
            },
            {
              group: ['../cluster/*', '../cluster', '../lab/*', '../lab', '../cli/*', '../probe/*'],
              message: 'The pure core imports no adapter.',
            },
          ],
        },
      ],
    },
  },
);
