// Lint config. The import-direction rules below encode design.md's module map:
// server/cli -> reconcile -> git/render/nomad/store -> domain; sim/ and web/ never import server code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Tests are exempt: they may start the simulator or a server to exercise the layer they test.
const layer = (files, forbidden, why) => ({
  files,
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((dir) => ({ group: [`**/${dir}/*`, `**/${dir}`], message: why })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.drover-demo/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', 'bench/**/*.js', 'eslint.config.js', 'web/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Prettier wraps at 120; what it cannot wrap (long strings) must still stay under 140. Test data is exempt.
    files: ['src/**/*.ts', 'sim/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
  layer(
    ['src/domain/**'],
    ['config', 'git', 'render', 'nomad', 'reconcile', 'store', 'server', 'cli', 'sim', 'main'],
    'domain/ is the bottom layer: it imports nothing from the rest of Drover.',
  ),
  layer(
    ['src/git/**', 'src/render/**', 'src/nomad/**', 'src/store/**', 'src/config/**'],
    ['reconcile', 'server', 'cli', 'sim', 'main'],
    'git/, render/, nomad/, store/ and config/ may import only domain/ (and each other where the design allows).',
  ),
  layer(['src/reconcile/**'], ['server', 'cli', 'sim', 'main', 'ha'], 'reconcile/ sits below server/ and cli/.'),
  layer(
    ['src/ha/**'],
    ['reconcile', 'server', 'cli', 'sim', 'main', 'store', 'git', 'render'],
    'ha/ sits beside reconcile/: it uses only nomad/ and domain/; main.ts composes them.',
  ),
  layer(['src/server/**'], ['cli', 'sim', 'main'], 'server/ does not import the CLI or the simulator.'),
  {
    // design.md: "the store is an interface, not a library". Reconcile and server code get a Store from
    // main.ts and import only types from store/, so SQLite and PostgreSQL stay interchangeable.
    files: ['src/reconcile/**', 'src/server/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/*', '**/store/**'],
              allowTypeImports: true,
              message: 'reconcile/ and server/ use the Store interface they are given; import only types from store/.',
            },
          ],
        },
      ],
    },
  },
  layer(
    ['sim/**', 'web/**'],
    ['server', 'cli', 'reconcile', 'store', 'git', 'main'],
    'sim/ and web/ import no server code; the simulator shares only domain/, render/ and nomad types.',
  ),
);
