/**
 * Scans every cell of every table of a database for strings that could link data to a person: user keys, platform
 * ids, phone numbers, message texts. Also looks inside base64 runs, because platform message ids can carry the phone
 * number in base64 (a WhatsApp wamid does).
 */
import type { SqlDriver } from '../../src/storage/driver.ts';

export interface Hit {
  table: string;
  column: string;
  needle: string;
  value: string;
}

export async function listTables(db: SqlDriver): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      : await db.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        );
  return rows.map((r) => r.name);
}

/** Every base64 reading of a cell: runs of base64 characters decoded from each of the four alignments. */
function decodedVariants(value: string): string[] {
  const out: string[] = [];
  for (const run of value.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (let shift = 0; shift < 4; shift++) {
      const part = run.slice(shift);
      out.push(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
    }
  }
  return out;
}

/**
 * Returns every cell that contains one of `needles` (directly or base64-encoded). `textOnly` needles (message texts)
 * are not searched in the columns listed in `allowText` (anonymous question texts stay on purpose).
 */
export async function scanDatabase(
  db: SqlDriver,
  opts: { ids: string[]; texts?: string[]; allowText?: { table: string; column: string }[] },
): Promise<{ hits: Hit[]; tables: string[]; cells: number }> {
  const tables = await listTables(db);
  const hits: Hit[] = [];
  let cells = 0;
  const ids = opts.ids.filter((s) => s.length >= 4);
  const texts = (opts.texts ?? []).filter((s) => s.length >= 4);
  for (const table of tables) {
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    for (const row of rows) {
      for (const [column, raw] of Object.entries(row)) {
        if (raw === null || raw === undefined) continue;
        cells++;
        const value = raw instanceof Uint8Array ? Buffer.from(raw).toString('latin1') : String(raw);
        const variants = [value, ...decodedVariants(value)];
        const textAllowed = opts.allowText?.some((a) => a.table === table && a.column === column) ?? false;
        for (const needle of [...ids, ...(textAllowed ? [] : texts)]) {
          if (variants.some((v) => v.includes(needle))) hits.push({ table, column, needle, value: value.slice(0, 120) });
        }
      }
    }
  }
  return { hits, tables, cells };
}
