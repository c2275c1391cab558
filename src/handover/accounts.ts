/**
 * Helper accounts: created by an administrator (CLI), who hands over a one-time set-password link; the helper
 * chooses a password (scrypt) and may link a Telegram chat for notices with a short-lived code.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Gender, HandoverStore, HelperRow } from '../core/handover-port.ts';
import { hashPassword, newToken, sha256 } from './auth.ts';
import type { Municipalities } from './municipalities.ts';
import { parseSchedule } from './schedule.ts';

export const SET_PASSWORD_TTL_MS = 7 * 86_400_000;
export const LINK_CODE_TTL_MS = 30 * 60_000;
export const HELPER_LANGUAGES = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'];

export class AccountError extends Error {}

export interface NewHelper {
  name: string;
  login?: string | undefined;
  languages: string[];
  regions: string[];
  coordinator?: boolean;
  gender?: Gender | null;
  maxOpen?: number;
  schedule?: string;
}

/** Normalises and validates regions; throws AccountError naming the unknown one. */
export function resolveRegions(munis: Municipalities, regions: string[]): string[] {
  const out: string[] = [];
  for (const r of regions.map((x) => x.trim()).filter(Boolean)) {
    const hit = munis.resolveRegion(r);
    if (!hit) throw new AccountError(`unknown region "${r}": use a municipality (e.g. utrecht), a province (prov:gelderland) or *`);
    const key = hit.kind === 'province' ? `prov:${hit.id}` : hit.id;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

export function createAccounts(deps: { store: HandoverStore; municipalities: Municipalities; now: () => number; baseUrl: string }) {
  const { store } = deps;

  async function uniqueLogin(wanted: string): Promise<string> {
    const base =
      wanted
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '.')
        .replace(/^\.+|\.+$/g, '')
        .slice(0, 24) || 'helper';
    for (let i = 1; ; i++) {
      const login = i === 1 ? base : `${base}${i}`;
      if (!(await store.getHelperByLogin(login))) return login;
    }
  }

  return {
    async add(input: NewHelper): Promise<{ helper: HelperRow; link: string }> {
      const name = input.name.trim();
      if (!name || name.length > 60) throw new AccountError('--name is required (at most 60 characters)');
      const languages = [...new Set(input.languages.map((l) => l.trim().toLowerCase()).filter(Boolean))];
      if (!languages.length) throw new AccountError('--languages is required, e.g. ar,ti');
      const bad = languages.find((l) => !HELPER_LANGUAGES.includes(l));
      if (bad) throw new AccountError(`unknown language "${bad}": use ${HELPER_LANGUAGES.join(', ')}`);
      const maxOpen = input.maxOpen ?? 3;
      if (!Number.isInteger(maxOpen) || maxOpen < 1 || maxOpen > 50) throw new AccountError('--max-open must be a whole number from 1 to 50');
      const schedule = input.schedule ?? '';
      parseSchedule(schedule);
      const helper: HelperRow = {
        id: `h${randomBytes(5).toString('hex')}`,
        login: await uniqueLogin(input.login ?? name),
        name,
        languages,
        regions: resolveRegions(deps.municipalities, input.regions),
        coordinator: Boolean(input.coordinator),
        gender: input.gender ?? null,
        maxOpen,
        schedule,
        active: true,
        passwordHash: null,
        telegramKey: null,
        createdAt: deps.now(),
      };
      await store.createHelper(helper);
      return { helper, link: await this.passwordLink(helper.id) };
    },

    /** A new one-time set-password link (the previous one stops working). */
    async passwordLink(helperId: string): Promise<string> {
      const token = newToken();
      await store.saveHelperToken(sha256(token), helperId, 'set-password', deps.now() + SET_PASSWORD_TTL_MS);
      return `${deps.baseUrl}/helpers/set-password?token=${token}`;
    },

    async setPassword(token: string, password: string): Promise<HelperRow | undefined> {
      const id = await store.consumeHelperToken(sha256(token), 'set-password', deps.now());
      if (!id) return undefined;
      await store.updateHelper(id, { passwordHash: await hashPassword(password) });
      return store.getHelper(id);
    },

    /** An 8-digit code the helper sends to the bot as `/link CODE` within 30 minutes. */
    async telegramCode(helperId: string): Promise<string> {
      const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
      await store.saveHelperToken(sha256(`link:${code}`), helperId, 'telegram-link', deps.now() + LINK_CODE_TTL_MS);
      return code;
    },

    async linkTelegram(code: string, userKey: string): Promise<boolean> {
      if (!/^\d{8}$/.test(code)) return false;
      const id = await store.consumeHelperToken(sha256(`link:${code}`), 'telegram-link', deps.now());
      return id ? store.updateHelper(id, { telegramKey: userKey }) : false;
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
