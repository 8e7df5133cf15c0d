import type { DataSource } from 'typeorm';

/** What the admin API infrastructure needs from its process (the same in every service). */
export interface AdminApiOptions {
  dataSource: DataSource;
  /**
   * `OPTSCALE_BOOTSTRAP_TOKEN`: acts as the installation's administrator (every organization), for
   * the first login and automation. Unset: only user sessions authenticate.
   */
  bootstrapToken?: string;
}

export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');
