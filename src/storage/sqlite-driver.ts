/**
 * SQLite through Node's built-in `node:sqlite` (no native addon). WAL mode, a busy timeout, and
 * synchronous calls wrapped in promises so it fits the same driver interface as PostgreSQL.
 *
 * Group commit: the writes made during one turn of the event loop share one transaction, committed at the end of
 * that turn (`setImmediate`). Every message writes several rows (dedupe key, session, counters, transcript), and a
 * transaction of its own for each rewrote the same pages into the WAL again and again: grouped, the SQLite time
 * per message drops by about two thirds (docs/benchmark.md). Callers see no difference: a statement's result is
 * final when its promise resolves, a failing statement fails alone (SQLite rolls back just that statement), reads
 * on this connection see every write, and other connections see them a fraction of a millisecond later. `close()`
 * and explicit `transaction()`s commit the open group first. What could be lost in a crash is the same as before:
 * the writes of the last moment.
 * @see https://nodejs.org/api/sqlite.html
 * @see https://www.sqlite.org/lang_transaction.html
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SqlDriver, SqlValue } from './driver.ts';

/**
 * Open connections per database file in this process. Group commit holds the write lock until the end of the turn;
 * a second connection to the same file in the same thread would wait for it synchronously (busy timeout) while the
 * commit can never run. So group commit is only used while a connection has its file to itself in this process
 * (other processes, like the CLI, simply wait the fraction of a millisecond until the commit).
 */
const openFiles = new Map<string, Set<() => void>>();

export function createSqliteDriver(path: string): SqlDriver {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const file = path === ':memory:' ? null : resolve(path);
  const peers = file ? (openFiles.get(file) ?? new Set<() => void>()) : null;
  if (file && peers) {
    // The connection that had the file to itself commits now, before this one can wait for its lock.
    for (const commit of peers) commit();
    openFiles.set(file, peers);
  }
  const alone = () => !peers || peers.size === 1;
  const db = new DatabaseSync(path);
  // secure_delete: deleted rows are overwritten with zeros, so "forget me" and retention also clear the file itself.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;');
  const cache = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prep = (sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  let depth = 0;
  let group = false;
  const commitGroup = () => {
    if (!group) return;
    group = false;
    if (!db.isOpen || !db.isTransaction) return;
    try {
      db.exec('COMMIT');
    } catch (e) {
      // Practically impossible in WAL mode with the write lock held; never let it go unnoticed.
      try {
        db.exec('ROLLBACK');
      } catch {
        // already rolled back
      }
      process.emitWarning(`SQLite group commit failed (${(e as { code?: string })?.code ?? 'error'}); the last writes were rolled back`);
    }
  };
  peers?.add(commitGroup);
  const driver: SqlDriver = {
    dialect: 'sqlite',
    async query<T>(sql: string, params: SqlValue[] = []) {
      return prep(sql).all(...params) as T[];
    },
    async run(sql, params = []) {
      if (!group && depth === 0 && !db.isTransaction && alone()) {
        db.exec('BEGIN IMMEDIATE');
        group = true;
        setImmediate(commitGroup);
      }
      return Number(prep(sql).run(...params).changes);
    },
    async exec(sql) {
      db.exec(sql);
    },
    async transaction(fn) {
      // SQLite has one writer; nested calls join the outer transaction.
      if (depth > 0) return fn(driver);
      commitGroup();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const r = await fn(driver);
        db.exec('COMMIT');
        return r;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    async withLock(_name, fn) {
      return fn();
    },
    async close() {
      commitGroup();
      cache.clear();
      if (db.isOpen) db.close();
      peers?.delete(commitGroup);
      if (file && peers?.size === 0) openFiles.delete(file);
    },
  };
  return driver;
}
