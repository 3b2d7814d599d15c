// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.data/**', 'web/dist/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message:
                'Workflow code must be deterministic: no Node built-ins in workflows/ (use an activity).',
            })),
            { name: 'nodemailer', message: 'Side effects belong in activities/.' },
          ],
          patterns: [
            {
              group: ['**/activities/*', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows import activity types only (import type …).',
            },
            {
              group: ['**/client/**', '**/app/**'],
              message: 'Workflow code sits below the clients and the service layer.',
            },
          ],
        },
      ],
    },
  },
  {
    // Layers point one way: the command line sits on top; nothing below it imports from it.
    files: [
      'app/**/*.ts',
      'activities/**/*.ts',
      'client/api/**/*.ts',
      'client/report/**/*.ts',
      'domain/**/*.ts',
      'worker/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client/commands/**', '**/commands/**'],
              message:
                'client/commands is the command line; campaign operations live in app/ (the service layer).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
