import type { Queryable } from '../db/pool.ts';
import type { RowResult } from './errors.ts';
import { clean, normalizePhone } from './fields.ts';
import { checkCounty, checkText, countyFilter } from './post-fields.ts';

/** A village 益农信息社. */
export interface ServicePoint {
  id: string;
  name: string;
  county: string;
  town: string | null;
  village: string | null;
  address: string | null;
  phone: string | null;
  services: string[];
  hours: string | null;
}

/** One row of service-points.csv (id,name,county,town,village,address,phone,services,hours). */
export function validateServicePointRow(raw: Record<string, string | undefined>, lineNo: number): RowResult<ServicePoint> {
  const issues: string[] = [];
  const id = checkText(raw.id, '编号 (id)', 64, issues, true);
  const name = checkText(raw.name, '名称 (name)', 100, issues, true);
  const county = checkCounty(raw.county, issues);
  const phone = checkPointPhone(raw.phone, issues);
  if (issues.length) return { ok: false, line: lineNo, reason: issues.join('；') };
  return {
    ok: true,
    row: {
      id: id!,
      name: name!,
      county: county!,
      town: clean(raw.town) ?? null,
      village: clean(raw.village) ?? null,
      address: clean(raw.address) ?? null,
      phone,
      services: splitServices(raw.services),
      hours: clean(raw.hours) ?? null,
    },
  };
}

/** Services as listed in one field: separated by | ; ； or 、. */
export function splitServices(text: string | undefined): string[] {
  const seen = new Set<string>();
  for (const part of (text ?? '').split(/[|;；、]/)) {
    const s = part.trim();
    if (s) seen.add(s);
  }
  return [...seen];
}

// A service point's number is published by the operator and shown as is; it is normalised when it is a
// proper mobile or landline, and otherwise kept if it at least looks like a phone number.
function checkPointPhone(value: string | undefined, issues: string[]): string | null {
  const text = clean(value);
  if (!text) return null;
  const phone = normalizePhone(text);
  if (phone.ok) return phone.phone;
  if (/^[\d\s\-()（）+]{5,24}$/.test(text)) return text;
  issues.push(`电话“${text}”不像电话号码`);
  return null;
}

/** Insert or replace service points by id; returns how many were written. */
export async function upsertServicePoints(q: Queryable, points: readonly ServicePoint[]): Promise<number> {
  if (!points.length) return 0;
  const byId = new Map(points.map((p) => [p.id, p]));
  const rows = [...byId.values()];
  const col = <K extends keyof ServicePoint>(k: K) => rows.map((p) => p[k]);
  // text[] per row can't ride in a plain unnest of arrays (it would flatten), so services go as JSON.
  const { rowCount } = await q.query(
    `INSERT INTO service_points (id, name, county, town, village, address, phone, services, hours)
     SELECT id, name, county, town, village, address, phone,
            ARRAY(SELECT jsonb_array_elements_text(services)), hours
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::jsonb[], $9::text[])
          AS t (id, name, county, town, village, address, phone, services, hours)
     ON CONFLICT (id) DO UPDATE
       SET name = EXCLUDED.name, county = EXCLUDED.county, town = EXCLUDED.town, village = EXCLUDED.village,
           address = EXCLUDED.address, phone = EXCLUDED.phone, services = EXCLUDED.services, hours = EXCLUDED.hours`,
    [col('id'), col('name'), col('county'), col('town'), col('village'), col('address'), col('phone'),
      rows.map((p) => JSON.stringify(p.services)), col('hours')],
  );
  return rowCount ?? 0;
}

export interface ServicePointSearch {
  county?: string;
  /** A town, or the start of its name. */
  town?: string;
  /** A village, or the start of its name. */
  village?: string;
  /** Only points offering this service (or a service containing these words: "提现" finds 小额提现). */
  service?: string;
  /** Default 50, at most 1000. */
  limit?: number;
}

export async function findServicePoints(q: Queryable, s: ServicePointSearch = {}): Promise<ServicePoint[]> {
  const limit = s.limit !== undefined && Number.isFinite(s.limit) ? Math.min(Math.max(Math.trunc(s.limit), 1), 1000) : 50;
  const { rows } = await q.query<ServicePoint>(
    `SELECT id, name, county, town, village, address, phone, services, hours FROM service_points
     WHERE ($1::text IS NULL OR county = $1)
       AND ($2::text IS NULL OR starts_with(coalesce(town, ''), $2))
       AND ($3::text IS NULL OR starts_with(coalesce(village, ''), $3))
       AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM unnest(services) AS svc WHERE strpos(svc, $4) > 0))
     ORDER BY county, town NULLS FIRST, village NULLS FIRST, id
     LIMIT $5`,
    [countyFilter(s.county), clean(s.town) ?? null, clean(s.village) ?? null, clean(s.service) ?? null, limit],
  );
  return rows;
}
