/**
 * `npm run -s cli -- helper ...`: administrators manage sleutelpersoon accounts.
 *   helper add --name "Amal" --languages ar,ti --regions utrecht,amersfoort [--coordinator] [--gender woman|man]
 *              [--max-open 3] [--login amal] [--schedule "mo-fr 09:00-12:00"]
 *   helper schedule <id|login> "mo 09:00-12:00, we 13:00-17:00"
 *   helper set <id|login> [--languages ..] [--regions ..] [--max-open N] [--gender ..] [--coordinator yes|no] [--active yes|no]
 *   helper reset-password <id|login>
 *   helper list
 * Prints one-time set-password links; never passwords.
 */
import { resolve } from 'node:path';
import { argValue, type CliIo, cliConfig } from '../cli/util.ts';
import type { HelperPatch, HelperRow } from '../core/handover-port.ts';
import { openStore } from '../storage/index.ts';
import type { SqlStore } from '../storage/sql-store.ts';
import { AccountError, createAccounts, HELPER_LANGUAGES, resolveRegions } from './accounts.ts';
import { loadMunicipalities } from './municipalities.ts';
import { isOpen, nextOpen, parseSchedule, ScheduleError } from './schedule.ts';

const USAGE = `usage:
  helper add --name "Name" --languages ar,ti --regions utrecht,amersfoort [--coordinator] [--gender woman|man] [--max-open 3] [--login name] [--schedule "mo-fr 09:00-12:00"]
  helper schedule <id|login> "mo 09:00-12:00, we 13:00-17:00"
  helper set <id|login> [--languages ar] [--regions prov:utrecht] [--max-open 3] [--gender woman|man|none] [--coordinator yes|no] [--active yes|no]
  helper reset-password <id|login>
  helper list
regions: municipality names or slugs (utrecht, den-haag), provinces (prov:gelderland), or * for the whole country
`;

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const yes = (v: string | undefined) => v === 'yes' || v === 'true' || v === '1';

function gender(v: string | undefined): HelperRow['gender'] | undefined {
  if (v === undefined) return undefined;
  if (v === 'woman' || v === 'man') return v;
  if (v === 'none' || v === '') return null;
  throw new AccountError('--gender must be woman, man or none');
}

function describe(h: HelperRow, now: number): string {
  const slots = (() => {
    try {
      return parseSchedule(h.schedule);
    } catch {
      return [];
    }
  })();
  const next = nextOpen(slots, now);
  const duty = isOpen(slots, now) ? 'on duty now' : next ? `next on duty ${new Date(next).toISOString().slice(0, 16)}Z` : 'no schedule';
  return [
    h.id,
    h.login,
    JSON.stringify(h.name),
    `languages=${h.languages.join(',')}`,
    `regions=${h.regions.join(',') || '*'}`,
    `max-open=${h.maxOpen}`,
    h.gender ? `gender=${h.gender}` : '',
    h.coordinator ? 'coordinator' : '',
    h.active ? '' : 'INACTIVE',
    h.passwordHash ? '' : 'no-password-yet',
    h.telegramKey ? 'telegram-linked' : '',
    `schedule="${h.schedule}"`,
    duty,
  ]
    .filter(Boolean)
    .join('  ');
}

export async function helperCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const config = cliConfig();
  const baseUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const store: SqlStore = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: resolve(config.DATA_DIR) });
  const municipalities = loadMunicipalities();
  const accounts = createAccounts({ store, municipalities, now: () => Date.now(), baseUrl });
  const find = async (ref: string | undefined) => {
    const h = ref ? ((await store.getHelper(ref)) ?? (await store.getHelperByLogin(ref.toLowerCase()))) : undefined;
    if (!h) throw new AccountError(`no helper "${ref ?? ''}" (see: helper list)`);
    return h;
  };
  try {
    if (sub === 'add') {
      const { helper, link } = await accounts.add({
        name: argValue(rest, '--name') ?? '',
        login: argValue(rest, '--login'),
        languages: list(argValue(rest, '--languages')),
        regions: list(argValue(rest, '--regions')),
        coordinator: rest.includes('--coordinator'),
        gender: gender(argValue(rest, '--gender')) ?? null,
        maxOpen: argValue(rest, '--max-open') === undefined ? 3 : Number(argValue(rest, '--max-open')),
        schedule: argValue(rest, '--schedule') ?? '',
      });
      io.stdout.write(
        `added ${describe(helper, Date.now())}\n\nOne-time link to set the password (valid 7 days; give it to ${helper.name} personally):\n${link}\n`,
      );
      return 0;
    }
    if (sub === 'schedule') {
      const h = await find(rest[0]);
      const text = rest.slice(1).join(' ').trim();
      parseSchedule(text);
      await store.updateHelper(h.id, { schedule: text });
      io.stdout.write(`${describe({ ...h, schedule: text }, Date.now())}\n`);
      return 0;
    }
    if (sub === 'set') {
      const h = await find(rest[0]);
      const patch: HelperPatch = {};
      const langs = argValue(rest, '--languages');
      if (langs !== undefined) {
        const l = list(langs);
        const bad = l.find((x) => !HELPER_LANGUAGES.includes(x));
        if (bad || !l.length) throw new AccountError(`--languages: use ${HELPER_LANGUAGES.join(', ')}`);
        patch.languages = l;
      }
      const regions = argValue(rest, '--regions');
      if (regions !== undefined) patch.regions = resolveRegions(municipalities, list(regions));
      const max = argValue(rest, '--max-open');
      if (max !== undefined) {
        if (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > 50) throw new AccountError('--max-open must be 1 to 50');
        patch.maxOpen = Number(max);
      }
      const g = gender(argValue(rest, '--gender'));
      if (g !== undefined) patch.gender = g;
      if (argValue(rest, '--coordinator') !== undefined) patch.coordinator = yes(argValue(rest, '--coordinator'));
      if (argValue(rest, '--active') !== undefined) patch.active = yes(argValue(rest, '--active'));
      await store.updateHelper(h.id, patch);
      io.stdout.write(`${describe({ ...h, ...patch }, Date.now())}\n`);
      return 0;
    }
    if (sub === 'reset-password') {
      const h = await find(rest[0]);
      io.stdout.write(`One-time link to set a new password for ${h.name} (the old link stops working):\n${await accounts.passwordLink(h.id)}\n`);
      return 0;
    }
    if (sub === 'list') {
      const now = Date.now();
      const helpers = await store.listHelpers();
      for (const h of helpers) io.stdout.write(`${describe(h, now)}\n`);
      if (!helpers.length) io.stderr.write('no helpers yet: helper add --name ... --languages ... --regions ...\n');
      return 0;
    }
    io.stderr.write(USAGE);
    return 2;
  } catch (e) {
    if (e instanceof AccountError || e instanceof ScheduleError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await store.close();
  }
}
