/**
 * Choice ids: short ASCII strings `type:arg` with, for content-dependent choices, a `~marker` of the content
 * version they were made under. A button from an older content version is recognised as stale and answered
 * with "this menu has changed" and the current menu. Ids stay far below Telegram's 64-byte callback limit.
 * @see https://core.telegram.org/bots/api#inlinekeyboardbutton (callback_data 1-64 bytes)
 */

export interface ParsedChoice {
  type: string;
  arg: string;
  marker: string | null;
}

export function choiceId(type: string, arg = '', marker?: string): string {
  const base = arg ? `${type}:${arg}` : type;
  return marker ? `${base}~${marker}` : base;
}

const CHOICE_RE = /^([a-z-]{1,16})(?::([A-Za-z0-9._:-]{1,40}))?(?:~([a-z0-9]{1,8}))?$/;

/** Returns null for anything that is not a well-formed choice id (treated as stale by the engine). */
export function parseChoice(id: string): ParsedChoice | null {
  if (typeof id !== 'string' || id.length > 64) return null;
  const m = CHOICE_RE.exec(id);
  if (!m?.[1]) return null;
  return { type: m[1], arg: m[2] ?? '', marker: m[3] ?? null };
}
