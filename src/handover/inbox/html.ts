/**
 * Server-side HTML for the helper inbox: a tagged template that escapes every interpolated value (user text can
 * never become markup), and the page layout. No inline scripts or styles, so the strict CSP holds.
 */

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Part = SafeHtml | string | number | null | undefined | false | Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof SafeHtml) return v.value;
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export interface LayoutOpts {
  title: string;
  body: SafeHtml;
  helperName?: string;
  coordinator?: boolean;
  csrf?: string;
  /** data-* attributes for the page script (e.g. the conversation id). */
  data?: Record<string, string>;
}

export function layout(o: LayoutOpts): string {
  const data = Object.entries(o.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  const nav = o.helperName
    ? html`<nav class="top-nav" aria-label="Menu">
        <a href="/helpers">Inbox</a>
        ${o.coordinator ? html`<a href="/helpers/stats">Statistieken</a><a href="/helpers/audit">Audit</a>` : ''}
        <a href="/helpers/account">Account</a>
        <form method="post" action="/helpers/logout" class="inline"><input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><button type="submit" class="link">Uitloggen</button></form>
      </nav>`
    : '';
  return `<!doctype html>${html`<html lang="nl" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · wegwijs sleutelpersonen</title><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><link rel="stylesheet" href="/helpers/static/inbox.css">
<script src="/helpers/static/inbox.js" defer></script></head>
<body${data}${o.csrf ? html` data-csrf="${o.csrf}"` : ''}><header class="top"><a class="brand" href="/helpers">wegwijs · sleutelpersonen</a>${o.helperName ? html`<span class="who-am-i">${o.helperName}</span>` : ''}</header>
${nav}<main>${o.body}</main></body></html>`}`;
}
