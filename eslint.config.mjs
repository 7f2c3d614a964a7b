// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Workflow code runs in Temporal's deterministic sandbox: it may import values only from the workflow
 * SDK and from modules that are themselves workflow-safe (and linted by the same rule), so that no Node
 * built-in can reach it, directly or through another module. Type-only imports are free.
 */
const workflowSafeDomain = ['messaging', 'delivery', 'search-attributes', 'token-check', 'subscriptions'];
// @noble/hashes: pure-JavaScript hashes, with no Node built-in behind them. The OpenTelemetry
// interceptors' workflow part is the SDK's own, built for the sandbox.
const sdk = '@temporalio/(workflow|common)$|@temporalio/interceptors-opentelemetry/lib/workflow$|@noble/hashes/';
const workflowImportRule = (allowedRelative) => [
  'error',
  {
    patterns: [
      {
        regex: `^(?!${sdk})(?!${allowedRelative})`,
        allowTypeImports: true,
        message:
          'Workflow code may import values only from @temporalio/workflow, @temporalio/common and workflow-safe modules ' +
          `(workflows/, domain/{${workflowSafeDomain.join(',')}}): anything else may pull in Node built-ins.`,
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Activities, codecs and handlers are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': workflowImportRule(
        `\\./[^/]+$|\\.\\./domain/(${workflowSafeDomain.join('|')})$`,
      ),
    },
  },
  {
    files: workflowSafeDomain.map((name) => `domain/${name}.ts`),
    rules: {
      '@typescript-eslint/no-restricted-imports': workflowImportRule(`\\./(${workflowSafeDomain.join('|')})$`),
    },
  },
  {
    // Tests read JSON answers and recorded histories as `any` on purpose: they assert on them.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
