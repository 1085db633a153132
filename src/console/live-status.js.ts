// The one script of the send page: every second it reads the send's status as JSON and updates
// the numbers, the bar, the rate and the time left; when the state changes it reloads the page
// so that the right buttons show. Without it the page still works (a Refresh link).
export const LIVE_STATUS_SCRIPT = `(() => {
  // Times shown in the editor's own zone too (the server knows only the newsletter's).
  for (const t of document.querySelectorAll('time[data-local]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d)) t.textContent = d.toLocaleString(document.documentElement.lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  }
  const root = document.querySelector('[data-live-status]');
  if (!root) return;
  const url = root.getAttribute('data-live-status');
  const shownState = root.getAttribute('data-state');
  const fields = ['total', 'queued', 'sent', 'failed', 'bounced', 'skipped', 'unknown'];
  const bar = root.querySelector('progress');
  const rateEl = root.querySelector('[data-field=rate]');
  const etaEl = root.querySelector('[data-field=eta]');
  let last = null;
  async function tick() {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) return;
      const s = await res.json();
      for (const f of fields) { const el = root.querySelector('[data-field=' + f + ']'); if (el) el.textContent = String(s[f]); }
      const settled = s.total - s.queued;
      if (bar) { bar.max = Math.max(1, s.total); bar.value = settled; }
      const now = Date.now();
      if (last && now > last.at && s.state === 'sending') {
        const rate = (settled - last.settled) / ((now - last.at) / 1000);
        if (rateEl) rateEl.textContent = rate > 0 ? rate.toFixed(1) + ' /s' : '–';
        if (etaEl) etaEl.textContent = rate > 0 ? Math.ceil(s.queued / rate) + ' s' : '–';
      } else if (s.state !== 'sending') {
        if (rateEl) rateEl.textContent = '–';
        if (etaEl) etaEl.textContent = '–';
      }
      last = { at: now, settled };
      if (s.state !== shownState) { location.reload(); return; }
    } catch (e) { /* the next tick tries again */ }
    if (shownState !== 'done' && shownState !== 'cancelled') setTimeout(tick, 1000);
  }
  tick();
})();`;
