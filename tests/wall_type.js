() => {
  // every piece of text on the wall at the type scale's minimum or above (24 px at 1080p),
  // and none cut short (an ellipsis, or hidden past its box's edge)
  const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot && e.shadowRoot.querySelector('.wall'));
  const wall = (host ? host.shadowRoot : document).querySelector('.wall');
  const min = wall.getBoundingClientRect().height * 24 / 1080 - 0.5;
  const out = [];
  // the width the element's text needs, to the layout's 1/64 px: scrollWidth rounds away the fifth of a
  // pixel that is enough for an ellipsis
  const needs = (el) => {
    const saved = el.style.cssText;
    el.style.flex = 'none'; el.style.width = 'max-content'; el.style.maxWidth = 'none';
    const width = el.getBoundingClientRect().width;
    el.style.cssText = saved;
    return width;
  };
  const walker = document.createTreeWalker(wall, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) out.push(`${size.toFixed(1)}px < ${min.toFixed(1)}px: ${node.textContent.trim().slice(0, 30)}`);
    const style = getComputedStyle(el);
    if ((style.textOverflow === 'ellipsis' || style.overflowX !== 'visible') && needs(el) > el.getBoundingClientRect().width + 0.02)
      out.push(`cut: ${node.textContent.trim().slice(0, 30)}`);
  }
  return out;
}
