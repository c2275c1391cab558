/**
 * The tiny SQL driver interface both stores share. Queries are written once with `?` placeholders;
 * the PostgreSQL driver rewrites them to `$1, $2, ...`.
 */
export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns the number of changed rows. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>;
  /** Runs `fn` while holding a cluster-wide lock named `name` (advisory lock / exclusive transaction). */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
