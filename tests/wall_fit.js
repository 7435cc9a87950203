() => {
  const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot && e.shadowRoot.querySelector('.wall'));
  const wall = (host ? host.shadowRoot : document).querySelector('.wall');
  const r = wall.getBoundingClientRect();
  const out = [];
  const se = document.scrollingElement;
  if (se.scrollHeight > innerHeight || se.scrollWidth > innerWidth) out.push(`page scrolls ${se.scrollWidth}x${se.scrollHeight}`);
  if (Math.round(r.width) !== innerWidth || Math.round(r.height) !== innerHeight) out.push(`wall is ${r.width}x${r.height}`);
  for (const el of wall.querySelectorAll('header, .kpi, .panel, .alerts, .foot')) {
    if (el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2)
      out.push(`${el.className} ${el.dataset.testid || ''} ${(el.querySelector('.ptitle') || {}).textContent || ''} holds ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
    const b = el.getBoundingClientRect();
    if (b.bottom > r.bottom + 1 || b.right > r.right + 1) out.push(`${el.className} ends outside the screen`);
  }
  return out;
}
