import type { Principal } from '../accounts/principal.ts';
import { normalizeCounty } from '../data/counties.ts';
import { AppError } from '../errors.ts';

/**
 * The counties a caller may see and report for: undefined = the whole city (the city administrator and
 * ADMIN_TOKEN); a county administrator's own list otherwise (empty: none, until one is given).
 */
export function countyScope(p: Principal): readonly string[] | undefined {
  return p.role === 'county_admin' ? (p.counties ?? []) : undefined;
}

export function outOfCounty(p: Principal, county: string): AppError {
  const own = p.counties?.length ? p.counties.join('、') : '（账号还没有设置所属县市区，请市局管理员设置）';
  return new AppError(403, 'out_of_scope', `你只能查看和填报${own}的数据，不能操作${county}`);
}

/** Throw 403 out_of_scope unless the caller may act for this county. */
export function assertCounty(p: Principal, county: string): void {
  const scope = countyScope(p);
  if (scope && !scope.includes(county)) throw outOfCounty(p, county);
}

/**
 * The counties a listing covers: the caller's scope, narrowed to `asked` (any spelling normalizeCounty
 * knows) when given. 400 unknown_county for a place that is not one of Jining's; 403 out_of_scope for a
 * county outside the caller's.
 */
export function countiesToList(p: Principal, asked: string | undefined): readonly string[] | undefined {
  const scope = countyScope(p);
  if (!asked) return scope;
  const county = normalizeCounty(asked);
  if (!county) throw new AppError(400, 'unknown_county', `“${asked}”不是济宁的县市区`);
  if (scope && !scope.includes(county)) throw outOfCounty(p, county);
  return [county];
}
