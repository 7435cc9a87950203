// The wall screen: built once per mount; the slow panels arrive as `data.body`
// on each fragment run, the headline figures every second over an EventSource.
const STATES = new WeakMap();

const SKELETON = `
<div class="stale-banner" data-testid="stale-banner" hidden></div>
<header>
  <div class="title"><span class="district"></span><span class="screen-name"></span></div>
  <div class="time"><span class="clock" data-testid="wall-clock"></span><span class="updated" data-testid="wall-updated"></span></div>
</header>
<section class="kpis">
  <div class="kpi" data-testid="wall-released"><div class="l"></div><div class="v"></div><div class="s"></div></div>
  <div class="kpi" data-testid="wall-value"><div class="l"></div><div class="v"></div><div class="s"></div></div>
  <div class="kpi" data-testid="wall-pace"><div class="l"></div><div class="v"></div><div class="s"></div><svg class="spark" viewBox="0 0 600 100" preserveAspectRatio="none"></svg></div>
  <div class="kpi" data-testid="wall-yoy"><div class="l"></div><div class="v"></div><div class="s"></div></div>
</section>
<section class="body"></section>
<div class="foot"><span class="slides"></span><span class="paused" hidden></span><span class="note"></span></div>`;

const beijing = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

function q(s, sel) { return s.root.querySelector(sel); }

function setKpi(el, label, value, sub) {
  el.querySelector(".l").textContent = label;
  el.querySelector(".s").textContent = sub;
  const v = el.querySelector(".v");
  if (v.textContent === value) return;
  v.textContent = value;
  // a long figure (9999.9万元) shrinks to fit its tile rather than being cut
  v.style.fontSize = "";
  let size = parseFloat(getComputedStyle(v).fontSize);
  while (v.scrollWidth > v.clientWidth && size > 12) {
    size *= 0.94;
    v.style.fontSize = `${size}px`;
  }
}

function banner(s) {
  const el = q(s, ".stale-banner");
  const lost = Date.now() - s.lastMessage > 6000;
  const msg = lost ? s.data.labels.connection_lost : (s.message && s.message.stale) || "";
  el.hidden = !msg;
  el.textContent = msg;
  s.root.classList.toggle("is-stale", !!msg);
}

function tick(s) {
  const now = new Date(Date.now() + s.offset);
  q(s, ".clock").textContent = beijing.format(now) + (s.data.lang === "zh" ? " 北京时间" : " Beijing");
  banner(s);
}

function sparkline(svg, values) {
  const top = Math.max(1, ...values);
  const w = 600 / 60;
  svg.innerHTML = values.map((v, i) => {
    const h = (v / top) * 96;
    return `<rect x="${((60 - values.length + i) * w).toFixed(1)}" y="${(100 - h).toFixed(1)}" width="${(w * 0.75).toFixed(1)}" height="${h.toFixed(1)}"/>`;
  }).join("");
}

function show(s, m) {
  const L = s.data.labels;
  // running totals never go backwards on screen (a late correction waits for the next rise)
  const day = beijing.format(new Date(m.now_ms)).slice(0, 10);
  const key = `${m.screen}|${day}`;
  const shown = s.shown[key];
  if (!shown || m.released >= shown.released) s.shown[key] = { released: m.released, rt: m.released_text, re: m.released_exact };
  if (!shown || m.value_fen >= (shown.value_fen || 0)) Object.assign(s.shown[key], { value_fen: m.value_fen, vt: m.value_text, ve: m.value_exact });
  const v = s.shown[key];
  setKpi(q(s, '[data-testid="wall-released"]'), L.released_today, v.rt, `${v.re} ${L.lists_unit}`);
  setKpi(q(s, '[data-testid="wall-value"]'), L.goods_value_today, v.vt, v.ve);
  setKpi(q(s, '[data-testid="wall-pace"]'), L.per_minute, m.per_minute, L.last_full_minute);
  sparkline(q(s, ".spark"), m.spark);
  setKpi(q(s, '[data-testid="wall-yoy"]'), L.yoy_same_time, m.yoy, m.loading || L.vs_last_year);
  q(s, '[data-testid="wall-yoy"] .v').className = "v " + (m.yoy_up ? "up" : "down");
  q(s, ".updated").textContent = `${L.updated} ${m.as_of}`;
  s.offset = m.now_ms - Date.now();
  s.message = m;
  s.lastMessage = Date.now();
  banner(s);
}

function connect(s) {
  if (s.events) s.events.close();
  clearTimeout(s.retry);
  const url = `${s.data.events_url}?screen=${encodeURIComponent(s.data.screen)}&lang=${s.data.lang}`;
  const es = new EventSource(url);
  es.onmessage = (e) => show(s, JSON.parse(e.data));
  // the browser retries a dropped stream by itself, but not a refused one (a
  // restarting server answers 503): then try again after a pause
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) s.retry = setTimeout(() => connect(s), 2000); };
  s.events = es;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let s = STATES.get(parentElement);
  if (!s) {
    parentElement.querySelectorAll(".wall").forEach((old) => old.remove());
    const root = document.createElement("div");
    root.className = "wall";
    root.innerHTML = SKELETON;
    parentElement.appendChild(root);
    s = { root, shown: {}, offset: 0, lastMessage: Date.now(), message: null, data };
    s.timer = setInterval(() => tick(s), 250);
    s.onKey = (e) => {
      if (e.key === "p" || e.key === "P" || e.key === " ") { s.trigger("key", "pause"); e.preventDefault(); }
      else if (e.key === "ArrowRight") s.trigger("key", "next");
      else if (e.key === "ArrowLeft") s.trigger("key", "previous");
    };
    document.addEventListener("keydown", s.onKey);
    STATES.set(parentElement, s);
  }
  s.trigger = setTriggerValue;
  const before = s.data;
  s.data = data;
  s.root.classList.toggle("kiosk", !!data.kiosk);
  s.root.dataset.screen = data.screen;
  q(s, ".district").textContent = data.title;
  q(s, ".screen-name").textContent = data.screen_name;
  if (q(s, ".body").dataset.drawn !== data.body_id) {
    q(s, ".body").innerHTML = data.body;
    q(s, ".body").dataset.drawn = data.body_id;
  }
  q(s, ".slides").innerHTML = data.slides;
  q(s, ".paused").hidden = !data.paused;
  q(s, ".paused").textContent = data.labels.paused;
  q(s, ".note").textContent = data.note;
  if (!s.events || before.screen !== data.screen || before.lang !== data.lang) {
    if (data.initial) show(s, data.initial);
    connect(s);
  }
  tick(s);
  return () => {
    clearInterval(s.timer);
    clearTimeout(s.retry);
    if (s.events) s.events.close();
    document.removeEventListener("keydown", s.onKey);
    STATES.delete(parentElement);
  };
}
