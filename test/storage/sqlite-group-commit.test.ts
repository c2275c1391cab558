/**
 * The SQLite driver's group commit: writes of one event-loop turn share a transaction, and nobody can tell — except
 * by speed. Same-connection reads see writes at once, other connections right after the turn, a failing statement
 * fails alone, explicit transactions and `close()` commit what is pending.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqlDriver } from '../../src/storage/driver.ts';
import { createSqliteDriver } from '../../src/storage/sqlite-driver.ts';

const dir = mkdtempSync(join(tmpdir(), 'wegwijs-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const turn = () => new Promise((r) => setImmediate(r));

/** A connection with its file to itself (so it groups its writes), and a way to look from a second one later. */
async function alone(): Promise<{ a: SqlDriver; other(): SqlDriver; file: string }> {
  const file = join(dir, `g${n++}.sqlite`);
  const a = createSqliteDriver(file);
  await a.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  return { a, file, other: () => createSqliteDriver(file) };
}
const count = async (d: SqlDriver) => Number((await d.query<{ n: number }>('SELECT COUNT(*) AS n FROM t'))[0]?.n);

describe('sqlite group commit', () => {
  it('shows writes to the same connection at once and to others after the turn', async () => {
    const { a, other } = await alone();
    for (let i = 0; i < 5; i++) await a.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${i}`, i]);
    expect(await count(a)).toBe(5);
    await turn();
    const b = other();
    expect(await count(b)).toBe(5);
    await a.close();
    await b.close();
  });

  it('lets a failing statement fail alone; the other writes of the turn stay', async () => {
    const { a, other } = await alone();
    await a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['x', 1]);
    await expect(a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['x', 2])).rejects.toThrow(/UNIQUE/);
    await a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['y', 3]);
    await turn();
    const b = other();
    expect(await b.query('SELECT k, v FROM t ORDER BY k')).toEqual([
      { k: 'x', v: 1 },
      { k: 'y', v: 3 },
    ]);
    await a.close();
    await b.close();
  });

  it('commits pending writes before an explicit transaction, whose rollback leaves them alone', async () => {
    const { a, other } = await alone();
    await a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['before', 1]);
    await expect(
      a.transaction(async (tx) => {
        await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', ['inside', 2]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await a.query('SELECT k FROM t')).toEqual([{ k: 'before' }]);
    await a.transaction(async (tx) => tx.run('INSERT INTO t (k, v) VALUES (?, ?)', ['kept', 3]));
    const b = other();
    expect(await count(b)).toBe(2);
    await a.close();
    await b.close();
  });

  it('never makes a second connection in this process wait for the first one (two instances on one file)', async () => {
    const { a, other } = await alone();
    await a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['a1', 1]);
    const b = other(); // opened while a's write is still pending in this turn
    const started = Date.now();
    await b.run('INSERT INTO t (k, v) VALUES (?, ?)', ['b1', 1]);
    await a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['a2', 1]);
    await b.run('INSERT INTO t (k, v) VALUES (?, ?)', ['b2', 1]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await count(a)).toBe(4);
    expect(await count(b)).toBe(4);
    await a.close();
    await b.close();
  });

  it('commits on close', async () => {
    const { a, file } = await alone();
    await a.run('INSERT INTO t (k, v) VALUES (?, ?)', ['last', 1]);
    await a.close();
    const b = createSqliteDriver(file);
    expect(await count(b)).toBe(1);
    await b.close();
  });
});
