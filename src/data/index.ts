// Structured data that must never be invented: prices, labour and supply posts, service points and the
// programme's county targets. Every function takes a Queryable (a pool or a transaction client).
export { DataError, type RejectedRow, type RowResult } from './errors.ts';
export { JINING_COUNTIES, normalizeCounty, type JiningCounty } from './counties.ts';
export { chinaToday, normalizePhone, parseDay, type PhoneResult } from './fields.ts';
export { DEFAULT_POST_DAYS, MAX_POST_DAYS, type PostMode } from './post-fields.ts';

export { PRICE_UNITS, validatePriceRow, type PriceRow, type PriceRowOptions } from './price-row.ts';
export {
  knownCommodities, latestPrice, pricesOn, upsertPrices,
  type KnownSeries, type LatestPrice, type PriceQuery, type UpsertCounts,
} from './prices.ts';

export {
  createLaborPost, insertLaborPosts, searchLaborPosts, validateLaborPost, validateLaborRow,
  type LaborCheck, type LaborKind, type LaborPost, type LaborPostInput, type LaborSearch, type NewLaborPost,
} from './labor.ts';
export {
  createSupplyPost, insertSupplyPosts, searchSupplyPosts, validateSupplyPost, validateSupplyRow,
  type NewSupplyPost, type SupplyCheck, type SupplyKind, type SupplyPost, type SupplyPostInput, type SupplySearch,
} from './supply.ts';
export { closeExpiredPosts, closePost } from './posts.ts';

export {
  findServicePoints, splitServices, upsertServicePoints, validateServicePointRow,
  type ServicePoint, type ServicePointSearch,
} from './service-points.ts';
export {
  countyTargets, periodEnd, upsertCountyTargets, validateCountyTargetRow, type CountyTargetRow, type CountyTargets, type PeriodTarget,
} from './county-targets.ts';

export { seedStructuredData, type TableSeedResult } from './seed.ts';

export {
  createMachineryPost, insertMachineryPosts, machineType, searchMachineryPosts, validateMachineryPost, validateMachineryRow,
  type MachineWords, type MachineryPost, type MachineryPostInput, type MachinerySearch, type MachinerySide, type NewMachineryPost,
} from './machinery.ts';
export { loadMachineWords } from './machine-words.ts';
export { chineseNumber, parseQuotedPrice } from './quoted-price.ts';
