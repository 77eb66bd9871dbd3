/** Who is acting: a person's account (officer, expert, admin) or a configured token (admin, integration). */
export type Role = 'admin' | 'county_admin' | 'integration' | 'expert' | 'officer';

export interface Principal {
  role: Role;
  /** Account id for people; undefined for the ADMIN_TOKEN. */
  userId?: string;
  name: string;
  /** Login name, for people. */
  username?: string;
  /** An expert's categories and counties (empty counties: the whole city); an officer's county and village. */
  specialties?: string[];
  counties?: string[];
  village?: string | null;
  /** a generated or reset password not changed yet: only the password change is allowed */
  mustChangePassword?: boolean;
}

/** Who may act for counties: a principal, or the services' Actor of the same shape. */
export interface CountyHolder {
  role: string;
  counties?: string[];
}

/** The counties a person may change or post for; undefined: all of them (administrators). */
export function countiesOf(p: CountyHolder): string[] | undefined {
  if (p.role === 'admin') return undefined;
  return p.counties ?? [];
}

/**
 * The one county predicate for changes (posts, orders, trainings, machines): undefined when `county` is
 * the person's own (or they are an administrator), else the counties they do hold, joined for a refusal
 * ("（未设县）" when none). A change naming no county is outside every officer's.
 */
export function outsideCounties(p: CountyHolder, county: string | null): string | undefined {
  const own = countiesOf(p);
  if (!own) return undefined;
  return county && own.includes(county) ? undefined : own.join('、') || '（未设县）';
}
