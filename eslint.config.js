import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Dependencies point down (docs/architecture.md). The HTTP edge (http/, routes/, schemas/, channels/) and
// the top (app.ts, compose.ts, main.ts, cli/) may import the domain; the domain never imports them back.
const edge = (why) => [
  { group: ['**/http/*', '**/routes/*', '**/schemas/*'], message: `${why} must not import HTTP (http/, routes/, schemas/): throw an AppError (src/errors.ts) and let the edge answer.` },
  { group: ['**/channels/**'], message: `${why} must not import a channel: reach the farmer through the outbox (src/turns/outbox.ts).` },
  { group: ['**/app.ts', '**/main.ts', '**/cli/*'], message: `${why} must not import the application's top (app.ts, main.ts, cli/).` },
];
const domain = ['accounts', 'conversations', 'knowledge', 'data', 'bot', 'turns', 'escalation', 'services', 'programme', 'stats', 'admin', 'privacy', 'webhooks', 'metrics', 'db', 'settings', 'integrations'];
// Floor 4 and up (docs/architecture.md): the features, then scheduled work and metrics.
const features = ['**/escalation/*', '**/services/*', '**/stats/*', '**/admin/*', '**/integrations/*'];
const work = ['**/jobs/*', '**/jobs/**', '**/metrics/*'];
const layers = [
  { files: [`src/{${domain.join(',')}}/**/*.ts`, 'src/errors.ts'], patterns: edge('Domain code') },
  {
    files: ['src/bot/**/*.ts'],
    ignores: ['src/bot/skills/stations/**'],
    patterns: [...edge('The agent'), { group: ['**/turns/*', ...features, ...work], message: 'The agent only decides: storing, sending and tickets belong to src/turns and escalation, wired through TurnHooks.' }],
  },
  {
    // The station services' skills record what the farmer asked for in the turn (an order, a sign-up, a
    // machine), as publish.ts records a post: they may call src/services' domain functions, nothing above.
    files: ['src/bot/skills/stations/**/*.ts'],
    patterns: [...edge('The agent'), { group: ['**/turns/*', '**/escalation/*', '**/stats/*', '**/admin/*', '**/integrations/*', ...work, '**/services/jobs.ts', '**/services/reminders.ts', '**/services/notify.ts'], message: 'Station skills record requests; telling farmers and reminders belong to src/services with the outbox.' }],
  },
  {
    files: ['src/turns/**/*.ts'],
    patterns: [...edge('The turn pipeline'), { group: [...features, ...work], message: 'The turn pipeline knows escalation only through TurnHooks (src/turns/hooks.ts), wired in src/compose.ts.' }],
  },
  {
    files: ['src/{accounts,conversations,knowledge,data,programme,privacy,webhooks,db,settings}/**/*.ts', 'src/config.ts'],
    patterns: [...edge('Ground-floor code'), { group: ['**/bot/*', '**/turns/*', ...features, ...work], message: 'The ground floor (config.ts, settings, accounts, conversations, knowledge, data, programme, privacy, webhooks, db) imports nothing above it.' }],
  },
  {
    // The environment's schema reads strings: it knows no module of the project's.
    files: ['src/settings/**/*.ts'],
    patterns: [{ group: ['../*'], message: 'Settings (src/settings/) import zod and each other only: src/config.ts spreads them into the one schema.' }],
  },
  {
    // Integrations (handoffs, links, their outbox) build on escalation; a ticket's end reaches them through
    // EscalationContext.ticketEnded, wired in src/compose.ts.
    files: ['src/escalation/**/*.ts'],
    patterns: [...edge('Escalation'), { group: ['**/integrations/*', ...work], message: 'Escalation knows no integration and no job: integrations and the scheduler call it, and src/compose.ts wires its hooks.' }],
  },
  {
    // The agent's station skills call the services, and the turn pipeline calls the agent: the services
    // reach farmers through the outbox's shape they declare (FarmerOutbox, src/services/notify.ts), not by import.
    files: ['src/services/**/*.ts'],
    patterns: [...edge('The station services'), { group: ['**/bot/*', '**/bot/**', '**/turns/*', '**/escalation/*', '**/stats/*', '**/admin/*', '**/integrations/*', ...work], message: 'The station services sit below the agent that calls them: the ground floor only, no agent, turn pipeline, other feature or job (src/jobs/services.ts calls them); the outbox arrives as a FarmerOutbox (src/services/notify.ts).' }],
  },
  {
    // The other features (docs/architecture.md, floor 4): no scheduled work or metrics above them.
    files: ['src/{admin,stats,integrations}/**/*.ts'],
    patterns: [...edge('Feature code'), { group: work, message: 'Features know no job and no metric: the scheduler (src/jobs) and src/metrics call them.' }],
  },
  {
    files: ['src/jobs/**/*.ts'],
    patterns: edge('Scheduled work'),
  },
  {
    files: ['src/schemas/**/*.ts'],
    // Schemas may read the ground floor's vocabulary (categories, statuses, limits, and the parsers of value
    // formats), never a store, a service or the agent.
    patterns: [{
      group: ['**/bot/*', '**/turns/*', '**/escalation/*', '**/services/*', '**/jobs/*', '**/channels/**', '**/routes/*', '**/http/*', '**/*/store.ts'],
      message: 'Schemas describe the HTTP interface: zod, each other, and domain vocabularies only (categories, statuses, limits, value parsers).',
    }],
  },
].map(({ files, ignores, patterns }) => ({ files, ...(ignores ? { ignores } : {}), rules: { 'no-restricted-imports': ['error', { patterns }] } }));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'scratch/', 'test-results/', 'src/channels/webchat/public/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layers,
  {
    files: ['**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', console: 'readonly', localStorage: 'readonly' } },
  },
);
