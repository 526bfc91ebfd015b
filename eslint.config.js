// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'src/sandbox/web/vendor'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain holds the rules; it must not know about Telegram, MongoDB, jobs or i18n.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['grammy', '@grammyjs/*', 'mongoose', 'mongodb', 'agenda', '@agendajs/*', 'i18next'],
              message: 'src/domain is pure: pass ports in instead.',
            },
            {
              group: ['**/bot/**', '**/db/**', '**/jobs/**', '**/sandbox/**', '**/embedded-mongo/**'],
              message: 'src/domain must not depend on outer layers.',
            },
          ],
        },
      ],
    },
  },
  {
    // The embedded database is a subsystem of its own: it imports nothing from the app.
    files: ['src/embedded-mongo/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bot/**', '**/db/**', '**/domain/**', '**/jobs/**', '**/config/**', '**/sandbox/**'],
              message: 'src/embedded-mongo imports nothing from the app.',
            },
          ],
        },
      ],
    },
  },
)
