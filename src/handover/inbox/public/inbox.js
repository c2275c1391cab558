// wegwijs helper inbox: live updates over Server-Sent Events. No framework, no external resources; every text is
// inserted with textContent, never as HTML. The pages work without this file (plain forms); it only adds live updates.

(() => {
  const body = document.body;
  const csrf = body.dataset.csrf || '';
  const page = body.dataset.page;
  if (!window.EventSource || !page) return;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // --- inbox: the waiting list refreshes itself --------------------------------------------------------
  function renderWaiting(list) {
    const ul = document.getElementById('waiting');
    if (!ul) return;
    ul.replaceChildren();
    for (const s of list) {
      const li = el('li', `conv${s.priority === 'crisis' ? ' crisis' : ''}`);
      li.dataset.id = s.id;
      const a = el('a', 'conv-main');
      a.href = `/helpers/c/${encodeURIComponent(s.id)}`;
      if (s.priority === 'crisis') a.append(el('span', 'badge crisis', 'crisis'));
      a.append(el('span', 'lang', s.language), ' ', el('span', 'muni', s.municipality || 'gemeente onbekend'));
      a.append(el('span', 'meta', `wacht ${s.waitingFor}${s.genderPreference ? ` · ${s.genderPreference}` : ''}`));
      const form = el('form', 'inline');
      form.method = 'post';
      form.action = `/helpers/c/${encodeURIComponent(s.id)}/claim`;
      const token = el('input');
      token.type = 'hidden';
      token.name = '_csrf';
      token.value = csrf;
      const button = el('button', 'primary', 'Oppakken');
      button.type = 'submit';
      form.append(token, button);
      li.append(a, form);
      ul.append(li);
    }
    const count = document.getElementById('waiting-count');
    if (count) count.textContent = String(list.length);
    const empty = document.getElementById('waiting-empty');
    if (empty) empty.classList.toggle('hidden', list.length > 0);
  }

  async function refreshWaiting() {
    try {
      const res = await fetch('/helpers/api/conversations', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) renderWaiting((await res.json()).waiting || []);
    } catch {
      /* offline: the next event or a reload catches up */
    }
  }

  if (page === 'inbox') {
    const events = new EventSource('/helpers/events');
    events.addEventListener('waiting', () => {
      void refreshWaiting();
    });
    setInterval(() => {
      void refreshWaiting();
    }, 60_000);
    return;
  }

  // --- conversation: messages arrive live; the reply box sends without reloading ---------------------------
  const id = body.dataset.conversation;
  const list = document.getElementById('messages');
  if (page !== 'conversation' || !id || !list) return;
  const seen = new Set([...list.querySelectorAll('li[data-id]')].map((li) => li.dataset.id));

  function addMessage(m) {
    if (seen.has(String(m.id))) return;
    seen.add(String(m.id));
    const li = el('li', `m ${m.cls}`);
    li.dataset.id = String(m.id);
    li.append(el('span', 'who', `${m.who} · ${m.time}`));
    const p = el('p', 'text', m.text);
    if (m.lang) p.lang = m.lang;
    p.dir = m.dir || 'auto';
    li.append(p);
    list.append(li);
    li.scrollIntoView({ block: 'nearest' });
  }

  const events = new EventSource(`/helpers/events?c=${encodeURIComponent(id)}`);
  events.addEventListener('message', (e) => {
    try {
      addMessage(JSON.parse(e.data));
    } catch {
      /* ignore malformed */
    }
  });
  events.addEventListener('status', () => {
    const status = document.getElementById('status');
    if (status) status.textContent = 'De status van dit gesprek is veranderd. De pagina wordt ververst…';
    setTimeout(() => window.location.reload(), 1500);
  });

  const form = document.getElementById('reply-form');
  if (form) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const area = form.querySelector('textarea');
      const text = area.value;
      if (!text.trim()) return;
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        const res = await fetch(`/helpers/c/${encodeURIComponent(id)}/reply`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
          body: JSON.stringify({ text }),
        });
        const data = await res.json().catch(() => ({}));
        if (res.ok || data.error === 'undelivered') area.value = '';
        if (!res.ok)
          form.append(el('p', 'notice', data.error === 'undelivered' ? 'Opgeslagen, maar nu niet afgeleverd.' : 'Versturen lukte niet. Probeer het opnieuw.'));
      } catch {
        form.append(el('p', 'notice', 'Geen verbinding. Probeer het opnieuw.'));
      } finally {
        button.disabled = false;
      }
    });
  }
})();
