// Prometheus metrics: the registry and observers (registry.ts), gauges read from the database
// (database.ts), and the Fastify plugin that serves GET /metrics and times every request (plugin.ts).
export { createMetrics, type DatabaseGauges, type Metrics } from './registry.ts';
export { refreshDatabaseGauges } from './database.ts';
export { metricsPlugin } from './plugin.ts';
