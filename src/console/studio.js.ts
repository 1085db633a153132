// The studio's one inline script (its hash is in the page's CSP). It adds two things to a page
// that works without it: dragging an item of a list (by its legend) to a new place submits the
// same reorder as the Move up / Move down buttons, and after each live preview (htmx, on a pause
// in typing) it puts the new findings beside the fields they name.
export const STUDIO_SCRIPT = `(() => {
  const form = document.getElementById('studio-form');
  if (!form) return;
  const submitWith = (fields) => {
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.type = 'hidden'; input.name = name; input.value = value;
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  };
  if (window.Sortable) {
    for (const list of form.querySelectorAll('ol[data-sortable]')) {
      window.Sortable.create(list, {
        handle: 'legend', animation: 120,
        onEnd(event) {
          if (event.oldIndex === event.newIndex) return;
          const order = [...list.children].map((li) => li.getAttribute('data-index')).join(',');
          submitWith({ op: 'reorder:' + list.getAttribute('data-sortable'), order });
        },
      });
    }
  }
  document.body.addEventListener('htmx:afterSwap', (event) => {
    if (!event.target || event.target.id !== 'studio-preview') return;
    const data = document.getElementById('studio-findings-data');
    let findings = {};
    try { findings = JSON.parse(data ? data.getAttribute('data-findings') : '{}'); } catch { return; }
    for (const p of form.querySelectorAll('[data-finding-for]')) {
      const list = findings[p.getAttribute('data-finding-for')] || [];
      p.textContent = list.map((f) => f.label + ': ' + f.message).join(' · ');
      const input = document.getElementById(p.id.replace(/-finding$/, ''));
      if (input) input.setAttribute('aria-invalid', list.some((f) => f.level === 'error') ? 'true' : 'false');
    }
  });
})();`;
