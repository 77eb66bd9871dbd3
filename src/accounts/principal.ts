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
