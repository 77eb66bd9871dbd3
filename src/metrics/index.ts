// Prometheus metrics: the registry and observers (registry.ts), gauges read from the database
// (database.ts). GET /metrics and the request timing are served by src/routes/metrics.ts.
export { createMetrics, type DatabaseGauges, type Metrics } from './registry.ts';
export { refreshDatabaseGauges } from './database.ts';
