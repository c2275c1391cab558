/** Server-rendered inbox pages. Every user-provided string goes through `html` escaping; direction is per message. */
import type { ConversationRow, HelperRow } from '../../core/handover-port.ts';
import { OUTCOMES } from '../../core/handover-port.ts';
import type { HandoverStats } from '../stats.ts';
import { html, layout, type SafeHtml } from './html.ts';
import { type ConversationSummary, clockTime, LANGUAGE_NL, type MessageView, OUTCOME_NL, type SelfCheckView, STATUS_NL } from './view-model.ts';

interface PageBase {
  helper: HelperRow;
  csrf: string;
  notice?: string | undefined;
}

const NOTICES: Record<string, string> = {
  taken: 'Een collega heeft dit gesprek net opgepakt.',
  limit: 'Je hebt het maximum aantal open gesprekken bereikt. Sluit eerst een gesprek.',
  forbidden: 'Dit gesprek is niet (meer) voor jou.',
  not_active: 'Dit gesprek is niet meer actief.',
  bad_request: 'Dat ging niet: controleer wat je invulde.',
  undelivered: 'Opgeslagen, maar het bericht kon nu niet bij de gebruiker worden afgeleverd.',
  not_found: 'Dit gesprek bestaat niet (meer).',
};

export const noticeText = (code: unknown) => (typeof code === 'string' ? NOTICES[code] : undefined);

function page(b: PageBase, title: string, body: SafeHtml, data?: Record<string, string>): string {
  const notice = b.notice ? html`<p class="notice" role="status">${b.notice}</p>` : '';
  return layout({ title, body: html`${notice}${body}`, helperName: b.helper.name, coordinator: b.helper.coordinator, csrf: b.csrf, ...(data ? { data } : {}) });
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

export function waitingItem(s: ConversationSummary, csrf: string): SafeHtml {
  return html`<li class="conv${s.priority === 'crisis' ? ' crisis' : ''}" data-id="${s.id}">
    <a class="conv-main" href="/helpers/c/${s.id}">${s.priority === 'crisis' ? html`<span class="badge crisis">crisis</span>` : ''}
      <span class="lang">${s.language}</span> <span class="muni">${s.municipality ?? 'gemeente onbekend'}</span>
      <span class="meta">wacht ${s.waitingFor}${s.genderPreference ? ` · ${s.genderPreference}` : ''}</span></a>
    <form method="post" action="/helpers/c/${s.id}/claim" class="inline">${csrfField(csrf)}<button type="submit" class="primary">Oppakken</button></form></li>`;
}

export function inboxPage(b: PageBase & { waiting: ConversationSummary[]; mine: ConversationSummary[] }): string {
  const body = html`<section class="card"><h1>Mijn gesprekken <span class="count">${b.mine.length}/${b.helper.maxOpen}</span></h1>
    ${b.mine.length ? html`<ul class="list">${b.mine.map((s) => html`<li class="conv${s.priority === 'crisis' ? ' crisis' : ''}"><a class="conv-main" href="/helpers/c/${s.id}">${s.priority === 'crisis' ? html`<span class="badge crisis">crisis</span>` : ''}<span class="lang">${s.language}</span> <span class="muni">${s.municipality ?? ''}</span><span class="meta">sinds ${s.waitingFor}</span></a></li>`)}</ul>` : html`<p class="empty">Geen open gesprekken.</p>`}</section>
    <section class="card"><h2>Wachtend <span class="count" id="waiting-count">${b.waiting.length}</span></h2>
    <p class="hint">Alleen gesprekken in jouw talen (${b.helper.languages.map((l) => LANGUAGE_NL[l] ?? l).join(', ')}) en regio's. Nieuwe gesprekken verschijnen vanzelf.</p>
    <ul class="list" id="waiting">${b.waiting.map((s) => waitingItem(s, b.csrf))}</ul>
    <p class="empty${b.waiting.length ? ' hidden' : ''}" id="waiting-empty">Er wacht nu niemand.</p></section>`;
  return page(b, 'Inbox', body, { page: 'inbox' });
}

export function messageItem(m: MessageView): SafeHtml {
  return html`<li class="m ${m.cls}" data-id="${m.id}"><span class="who">${m.who} · ${m.time}</span><p class="text"${m.lang ? html` lang="${m.lang}"` : ''} dir="${m.dir}">${m.text}</p></li>`;
}

export interface ConversationPageData extends PageBase {
  c: ConversationRow;
  s: ConversationSummary;
  messages: MessageView[];
  topicsRead: { id: string; title: string; version: string; revision: string }[];
  topicOptions: { id: string; title: string }[];
  colleagues: HelperRow[];
  userDir: 'ltr' | 'rtl' | 'auto';
  /** Self-check answers the user agreed to share, or null. */
  selfCheck: SelfCheckView | null;
}

/** The shared self-check: questions in Dutch with ja/nee and the number of "ja" answers. */
function selfCheckSection(v: SelfCheckView | null): SafeHtml | string {
  if (!v) return '';
  return html`<details class="self-check" id="self-check" open><summary>Zelftest gedeeld door de gebruiker: ${v.title} · <strong>${v.yes} van de ${v.total} keer ja</strong></summary>
    <p class="hint">De gebruiker gaf toestemming om deze antwoorden te delen. Dit zijn gewone reacties op wat iemand heeft meegemaakt: geen test en geen diagnose.</p>
    <table><thead><tr><th scope="col">Vraag</th><th scope="col">Antwoord</th></tr></thead><tbody>${v.answers.map(
      (a) => html`<tr><td lang="nl">${a.question}</td><td class="answer-${a.answer}">${a.answer}</td></tr>`,
    )}</tbody></table></details>`;
}

export function conversationPage(d: ConversationPageData): string {
  const mine = d.c.helperId === d.helper.id && d.c.status === 'active';
  const lastId = d.messages.at(-1)?.id ?? 0;
  const action = (path: string, label: string, extra: SafeHtml | string = '', cls = '') =>
    html`<form method="post" action="/helpers/c/${d.c.id}/${path}" class="stack ${cls}">${csrfField(d.csrf)}${extra}<button type="submit">${label}</button></form>`;
  const body = html`<section class="card"><p><a href="/helpers">← Inbox</a></p>
    <h1>${d.c.priority === 'crisis' ? html`<span class="badge crisis">crisis</span> ` : ''}${d.s.language} · ${d.s.municipality ?? 'gemeente onbekend'}</h1>
    <p class="meta" id="status" data-status="${d.c.status}">${STATUS_NL[d.c.status] ?? d.c.status} · gestart ${clockTime(d.c.createdAt)} (${d.s.waitingFor} geleden)${d.s.genderPreference ? ` · ${d.s.genderPreference}` : ''}</p>
    ${d.c.note ? html`<p class="question"><span class="label">Vraag in één zin:</span> <span lang="${d.c.locale}" dir="${d.userDir}">${d.c.note}</span></p>` : ''}
    <details><summary>Gelezen onderwerpen (${d.topicsRead.length})</summary><ul class="topics">${d.topicsRead.map((t) => html`<li>${t.title} <span class="meta">(${t.id} · inhoud ${t.version} · revisie ${t.revision})</span></li>`)}</ul></details>
    ${selfCheckSection(d.selfCheck)}
    ${d.c.status === 'waiting' ? action('claim', 'Oppakken', '', 'claim') : ''}</section>
    <section class="card"><h2>Berichten</h2><ol class="messages" id="messages" data-after="${lastId}">${d.messages.map(messageItem)}</ol>
    ${
      mine
        ? html`<form method="post" action="/helpers/c/${d.c.id}/reply" class="stack" id="reply-form">${csrfField(d.csrf)}
        <label for="reply">Antwoord aan de gebruiker</label><textarea id="reply" name="text" rows="3" maxlength="4000" dir="auto" lang="${d.c.locale}" required></textarea>
        <button type="submit" class="primary">Versturen</button></form>`
        : ''
    }</section>
    ${
      mine
        ? html`<section class="card actions"><h2>Acties</h2>
      ${action('topic', 'Onderwerp sturen', html`<label>Onderwerp (in de taal van de gebruiker)<select name="topic" required>${d.topicOptions.map((t) => html`<option value="${t.id}">${t.title}</option>`)}</select></label>`)}
      ${action('close', 'Gesprek sluiten', html`<label>Uitkomst<select name="outcome" required>${OUTCOMES.map((o) => html`<option value="${o}">${OUTCOME_NL[o]}</option>`)}</select></label>`)}
      ${d.colleagues.length ? action('transfer', 'Overdragen', html`<label>Aan collega<select name="to" required>${d.colleagues.map((h) => html`<option value="${h.id}">${h.name}</option>`)}</select></label>`) : ''}
      ${action('release', 'Terug naar de wachtrij')}</section>`
        : ''
    }
    <section class="card">${action('note', 'Notitie opslaan', html`<label>Interne notitie (de gebruiker ziet dit niet)<textarea name="text" rows="2" maxlength="4000" dir="auto" required></textarea></label>`)}</section>`;
  return page(d, 'Gesprek', body, { page: 'conversation', conversation: d.c.id });
}

const table = (title: string, rows: Record<string, number>, label: (k: string) => string = (k) => k) =>
  html`<h2>${title}</h2><table><tbody>${Object.entries(rows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => html`<tr><th scope="row">${label(k)}</th><td>${v}</td></tr>`)}</tbody></table>`;

export function statsPage(b: PageBase & { stats: HandoverStats }): string {
  const s = b.stats;
  const body = html`<section class="card"><h1>Statistieken</h1><p class="hint">Sinds ${new Date(s.sinceMs).toISOString().slice(0, 10)}. Alleen aantallen: geen berichten, geen namen.</p>
    <ul class="kpi"><li><strong>${s.total}</strong> gesprekken</li><li><strong>${s.claimed}</strong> opgepakt</li><li><strong>${s.medianClaimMinutes ?? '–'}</strong> min mediane tijd tot oppakken</li>
    <li><strong>${s.crisis}</strong> met crisis</li><li><strong>${s.unanswered.expired}</strong> verlopen zonder antwoord</li><li><strong>${s.unanswered.userStopped}</strong> gestopt met wachten</li>
    <li><strong>${s.unanswered.waitingNow}</strong> wachten nu${s.unanswered.oldestWaitMinutes !== null ? ` (langste ${s.unanswered.oldestWaitMinutes} min)` : ''}</li></ul>
    ${table('Per taal', s.byLocale, (k) => LANGUAGE_NL[k] ?? k)}${table('Per regio (provincie)', s.byRegion)}${table('Per uitkomst', s.byOutcome, (k) => OUTCOME_NL[k] ?? k)}
    ${table('Per week', s.byWeek)}${table('Waardering (3 = goed, 1 = niet goed)', s.ratings)}</section>`;
  return page(b, 'Statistieken', body);
}

export function auditPage(
  b: PageBase & { rows: { at: number; helper: string; action: string; conversationId: string | null; detail: string | null }[] },
): string {
  const body = html`<section class="card"><h1>Audit</h1><p class="hint">Wie bekeek, pakte op, antwoordde, noteerde, droeg over of sloot wat, en wanneer. Zonder inhoud.</p>
    <table class="audit"><thead><tr><th>Tijd</th><th>Wie</th><th>Actie</th><th>Gesprek</th><th>Detail</th></tr></thead><tbody>
    ${b.rows.map((r) => html`<tr><td>${new Date(r.at).toISOString().replace('T', ' ').slice(0, 16)}</td><td>${r.helper}</td><td>${r.action}</td><td>${r.conversationId ?? ''}</td><td>${r.detail ?? ''}</td></tr>`)}</tbody></table></section>`;
  return page(b, 'Audit', body);
}

export function accountPage(b: PageBase & { code?: string | undefined; schedule: string; regions: string }): string {
  const body = html`<section class="card"><h1>Account</h1><dl class="facts"><dt>Gebruikersnaam</dt><dd>${b.helper.login}</dd><dt>Talen</dt><dd>${b.helper.languages.map((l) => LANGUAGE_NL[l] ?? l).join(', ')}</dd>
    <dt>Regio's</dt><dd>${b.regions}</dd><dt>Beschikbaar (Nederlandse tijd)</dt><dd>${b.schedule || 'geen vaste tijden'}</dd><dt>Maximaal open</dt><dd>${b.helper.maxOpen}</dd></dl></section>
    <section class="card"><h2>Telegram-meldingen</h2><p>${b.helper.telegramKey ? 'Je Telegram is gekoppeld. Je krijgt korte meldingen zonder inhoud van berichten.' : 'Nog niet gekoppeld.'}</p>
    ${b.code ? html`<p class="code">Stuur binnen 30 minuten aan de wegwijs-bot op Telegram: <strong>/link ${b.code}</strong></p>` : ''}
    <form method="post" action="/helpers/account/telegram-code" class="inline">${csrfField(b.csrf)}<button type="submit">Koppelcode maken</button></form></section>`;
  return page(b, 'Account', body);
}
