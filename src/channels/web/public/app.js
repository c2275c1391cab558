// wegwijs web chat. No framework, no external resources; every text is inserted as text, never as HTML.
'use strict';
(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('composer');
  const input = document.getElementById('input');
  const STORE = 'wegwijs_log';
  let history = [];
  try { history = JSON.parse(sessionStorage.getItem(STORE) || '[]'); } catch { history = []; }
  let events = null;
  let counter = 0;

  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(history.slice(-150))); } catch { /* storage full or disabled */ }
  }

  // Turns https links and phone numbers into links, building DOM nodes (never innerHTML).
  function appendRich(el, text) {
    const re = /(https:\/\/[^\s<>"')]+)|(\b(?:112|113|0800-0113|0800-2000)\b)/g;
    let last = 0; let m;
    while ((m = re.exec(text))) {
      if (m.index > last) el.append(text.slice(last, m.index));
      const a = document.createElement('a');
      if (m[1]) { a.href = m[1]; a.target = '_blank'; a.rel = 'noopener noreferrer'; a.textContent = m[1]; }
      else { a.href = `tel:${m[2].replace(/-/g, '')}`; a.textContent = m[2]; }
      el.append(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) el.append(text.slice(last));
  }

  function bubble(from, text, lang, dir) {
    const div = document.createElement('div');
    div.className = `msg ${from}`;
    if (lang) div.lang = lang;
    div.dir = dir || 'auto';
    appendRich(div, text);
    log.append(div);
    return div;
  }

  function render(entry) {
    if (entry.from === 'user') { bubble('user', entry.text, entry.lang, 'auto'); return; }
    const m = entry.msg;
    if (m.lang) { document.documentElement.lang = m.lang; document.documentElement.dir = m.dir; }
    if (m.kind === 'text') bubble('bot', m.text, m.lang, m.dir);
    else if (m.kind === 'choices') {
      bubble('bot', m.text, m.lang, m.dir);
      const box = document.createElement('div');
      box.className = `choices ${m.style}`;
      box.lang = m.lang; box.dir = m.dir;
      for (const c of m.choices) {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.choice = c.id;
        b.textContent = c.label;
        if (c.description) { const d = document.createElement('span'); d.className = 'desc'; d.textContent = c.description; b.append(d); }
        b.addEventListener('click', () => send({ choice: c.id }, c.label));
        box.append(b);
      }
      log.append(box);
    } else if (m.kind === 'media') {
      const div = bubble('bot', m.caption || '', m.lang, m.dir);
      if (m.mediaType === 'audio' || m.mediaType === 'voice') {
        const a = document.createElement('audio'); a.controls = true; a.preload = 'none'; a.src = m.url; div.append(a);
      } else if (m.mediaType === 'image') {
        const i = document.createElement('img'); i.className = 'media'; i.src = m.url; i.alt = m.caption || ''; div.append(i);
      } else {
        const a = document.createElement('a'); a.href = m.url; a.textContent = m.caption || m.url; div.append(a);
      }
    } else if (m.kind === 'request-location') {
      bubble('bot', m.text, m.lang, m.dir);
      const box = document.createElement('div'); box.className = 'choices buttons';
      const b = document.createElement('button'); b.type = 'button'; b.textContent = `📍 ${m.buttonLabel}`;
      b.addEventListener('click', () => {
        if (!navigator.geolocation) return;
        navigator.geolocation.getCurrentPosition((pos) => send({ location: { lat: pos.coords.latitude, lon: pos.coords.longitude } }, '📍'), () => {});
      });
      box.append(b); log.append(box);
    } else if (m.kind === 'location') {
      const div = bubble('bot', [m.name, m.address].filter(Boolean).join('\n'), m.lang, m.dir);
      const a = document.createElement('a');
      a.href = `https://www.openstreetmap.org/?mlat=${m.lat}&mlon=${m.lon}#map=17/${m.lat}/${m.lon}`;
      a.target = '_blank'; a.rel = 'noopener noreferrer'; a.textContent = '🗺️ OpenStreetMap';
      div.append(document.createElement('br'), a);
    } else if (m.kind === 'contact') {
      const div = bubble('bot', `${m.name}: `, m.lang, m.dir);
      const a = document.createElement('a'); a.href = `tel:${m.phone.replace(/[^0-9+]/g, '')}`; a.textContent = m.phone; div.append(a);
    }
  }

  function add(entry) { history.push(entry); save(); render(entry); log.scrollTop = log.scrollHeight; }

  function receive(messages) {
    for (const msg of messages) add({ from: 'bot', msg });
  }

  async function send(payload, echo) {
    if (echo) add({ from: 'user', text: echo, lang: document.documentElement.lang });
    const id = `w${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    try {
      const res = await fetch('/api/chat/messages', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
        body: JSON.stringify({ ...payload, id, lang: navigator.language }),
      });
      const data = await res.json();
      receive(data.messages || []);
      connect();
    } catch {
      add({ from: 'bot', msg: { kind: 'text', text: '⚠️ No connection. Please try again. · Geen verbinding. Probeer het opnieuw.', lang: 'en', dir: 'ltr' } });
    }
  }

  function connect() {
    if (events || !window.EventSource) return;
    events = new EventSource('/api/chat/events');
    events.addEventListener('messages', (e) => { try { receive(JSON.parse(e.data).messages || []); } catch { /* ignore malformed */ } });
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = '';
    send({ text }, text);
  });
  document.getElementById('lang-btn').addEventListener('click', () => send({ command: 'language' }));

  for (const entry of history) render(entry);
  log.scrollTop = log.scrollHeight;
  if (history.length === 0) send({ command: 'start' });
  else connect();
})();
