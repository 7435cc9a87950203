// The wall screen: built once per mount. Everything live arrives over one
// EventSource per screen: the headline figures every second, the panels when
// they change. The playlist turns here, by the clock, so walls agree.
const STATES = new WeakMap();

const SKELETON = `
<div class="stale-banner" data-testid="stale-banner" hidden></div>
<header>
  <div class="title"><span class="district"></span><span class="screen-name"></span><span class="sim-mark" data-testid="wall-sim-mark" hidden></span></div>
  <div class="time"><span class="clock" data-testid="wall-clock"></span><span class="updated" data-testid="wall-updated"></span></div>
</header>
<section class="kpis">
  <div class="kpi" data-testid="wall-released"><div class="l"></div><div class="v"></div><div class="s"></div><div class="n" data-testid="wall-net-lists"></div></div>
  <div class="kpi" data-testid="wall-value"><div class="l"></div><div class="v"></div><div class="s"></div><div class="n" data-testid="wall-net-value"></div><div class="n" data-testid="wall-tax"></div></div>
  <div class="kpi" data-testid="wall-pace"><div class="l"></div><div class="v"></div><div class="s"></div><div class="n" data-testid="wall-peak"></div><svg class="spark" viewBox="0 0 600 100" preserveAspectRatio="none"></svg></div>
  <div class="kpi" data-testid="wall-yoy"><div class="l"></div><div class="v"></div><div class="s" data-testid="wall-ghost"></div><div class="n" data-testid="wall-projection"></div></div>
</section>
<section class="body"></section>
<div class="foot"><span class="slides"></span><span class="paused" hidden></span><span class="note"></span><span class="server" data-testid="wall-server" hidden></span></div>`;

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
  roll(v, value);
  // a long figure (9999.9万元) shrinks to fit its tile rather than being cut
  v.style.fontSize = "";
  let size = parseFloat(getComputedStyle(v).fontSize);
  while (v.scrollWidth > v.clientWidth && size > 12) {
    size *= 0.94;
    v.style.fontSize = `${size}px`;
  }
}

// a flip counter: only the digits that changed roll in, the rest stay still
function roll(v, value) {
  const old = v.textContent;
  const shift = value.length - old.length;
  v.replaceChildren(...[...value].map((ch, i) => {
    const span = document.createElement("span");
    span.textContent = ch;
    if (old && /\d/.test(ch) && old[i - shift] !== ch) span.className = "roll";
    return span;
  }));
}

// figures inside the panels that follow the second's headline (legend, site counters)
function fillLive(s) {
  const m = s.message;
  if (!m) return;
  s.root.querySelectorAll("[data-live]").forEach((el) => {
    const key = el.dataset.live;
    const value = key.startsWith("site:") ? (m.sites || {})[key.slice(5)] : m[key];
    if (value !== undefined && el.textContent !== value) el.textContent = value;
  });
}

// a long title (English, a long site name) shrinks to fit beside the clock, down to the type scale's floor
function fitTitle(s) {
  const title = q(s, ".title");
  const district = q(s, ".district");
  const key = `${title.textContent}|${s.root.clientWidth}x${s.root.clientHeight}`;
  // again when what it holds or the screen changed, or when it overflows (a late font, the mark shown)
  if (key === s.titleFitted && district.scrollWidth <= district.clientWidth) return;
  s.titleFitted = key;
  title.style.fontSize = "";
  const floor = s.root.clientHeight * 0.023;
  let size = parseFloat(getComputedStyle(title).fontSize);
  while (district.scrollWidth > district.clientWidth && size > floor) {
    size = Math.max(size * 0.95, floor);
    title.style.fontSize = `${size}px`;
  }
}

function banner(s) {
  const el = q(s, ".stale-banner");
  const lost = Date.now() - s.lastMessage > 6000;
  const msg = s.denied ? s.data.labels.wall_denied : lost ? s.data.labels.connection_lost : (s.message && s.message.stale) || "";
  el.hidden = !msg;
  el.textContent = msg;
  s.root.classList.toggle("is-stale", !!msg);
}

// which slide the clock says, and how far into its dwell (0..1)
function slidePosition(s) {
  const slides = s.data.slides;
  if (s.data.fixed) return [0, 0];
  if (s.paused !== null) return [s.paused, 0];
  const cycle = slides.reduce((a, x) => a + x.dwell, 0);
  let t = (Date.now() / 1000) % cycle;
  for (let i = 0; i < slides.length; i++) {
    if (t < slides[i].dwell) return [i, t / slides[i].dwell];
    t -= slides[i].dwell;
  }
  return [slides.length - 1, 1];
}

function rotate(s) {
  const [i, done] = slidePosition(s);
  q(s, ".paused").hidden = s.paused === null;
  const current = q(s, ".slides b");
  if (current) current.style.setProperty("--done", `${(done * 100).toFixed(1)}%`);
  if (i === s.index && s.events) return;
  s.index = i;
  const slide = s.data.slides[i];
  s.screen = slide.screen;
  s.root.dataset.screen = slide.screen;
  q(s, ".screen-name").textContent = slide.name;
  const marks = q(s, ".slides");
  marks.innerHTML = "";
  if (!s.data.fixed) {
    s.data.slides.forEach((x, j) => {
      const m = document.createElement(j === i ? "b" : "span");
      m.textContent = x.name;
      marks.append(m, j < s.data.slides.length - 1 ? " · " : "");
    });
  }
  connect(s);
}

// the site's video panel: one player, moved into each new copy of the panels
// (in the same task, so it never pauses), turning through the site's cameras by the clock
function mountVideo(s) {
  const slot = s.root.querySelector("[data-video-slot]");
  const video = s.data.video || { cameras: {} };
  const cams = slot ? video.cameras[slot.dataset.videoSlot] || [] : [];
  if (!cams.length) {
    if (s.cam) { s.cam.destroy(); s.cam = null; }
    return;
  }
  if (!s.cam) s.cam = new CameraView(video.labels, () => s.data.ticket || "");
  const cam = cams[Math.floor(Date.now() / 1000 / video.rotate) % cams.length];
  s.cam.play(cam.url, cam.name);
  const body = slot.querySelector(".pbody");
  if (s.cam.el.parentElement !== body) body.appendChild(s.cam.el);
  const count = slot.querySelector(".vcount");
  if (count) count.textContent = cams.length > 1 ? `${cams.indexOf(cam) + 1}/${cams.length}` : "";
}

function tick(s) {
  rotate(s);
  if (s.cam) mountVideo(s);
  failover(s);
  const now = new Date(Date.now() + s.offset);
  q(s, ".clock").textContent = beijing.format(now) + (s.data.lang === "zh" ? " 北京时间" : " Beijing");
  fitTitle(s);
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
  adoptFloor(s, key, m);
  const shown = s.shown[key];
  if (!shown || m.released >= shown.released) s.shown[key] = { released: m.released, rt: m.released_text, re: m.released_exact };
  if (!shown || m.value_fen >= (shown.value_fen || 0)) Object.assign(s.shown[key], { value_fen: m.value_fen, vt: m.value_text, ve: m.value_exact });
  const v = s.shown[key];
  setKpi(q(s, '[data-testid="wall-released"]'), L.released_today, v.rt, `${v.re} ${L.lists_unit}`);
  setKpi(q(s, '[data-testid="wall-value"]'), L.goods_value_today, v.vt, v.ve);
  // net of cancellations and returns, and tax: small, beside the gross figures, and free to go down
  q(s, '[data-testid="wall-net-lists"]').textContent = m.net_lists;
  q(s, '[data-testid="wall-net-value"]').textContent = m.net_value;
  q(s, '[data-testid="wall-tax"]').textContent = m.tax;
  setKpi(q(s, '[data-testid="wall-pace"]'), L.per_minute, m.per_minute, L.last_full_minute);
  q(s, '[data-testid="wall-peak"]').textContent = m.peak || "";
  sparkline(q(s, ".spark"), m.spark);
  setKpi(q(s, '[data-testid="wall-yoy"]'), L.yoy_same_time, m.yoy, m.loading || m.ghost_line);
  q(s, '[data-testid="wall-projection"]').textContent = m.projection || "";
  q(s, '[data-testid="wall-yoy"] .v').className = "v " + (m.yoy_up ? "up" : "down");
  q(s, ".updated").textContent = `${L.updated} ${m.as_of}`;
  const sim = q(s, ".sim-mark");
  sim.hidden = !m.sim;
  sim.textContent = m.sim || "";
  s.offset = m.now_ms - Date.now();
  s.message = m;
  s.lastMessage = Date.now();
  fillLive(s);
  banner(s);
}

// -- failover ----------------------------------------------------------------
// A wall with a list of servers moves to the next one that answers when its own
// has been silent for FAILOVER_MS. It takes along the figures it has shown, so
// the next server's page never shows a lower total; such a floor is believed
// only for FLOOR_MS and only close to that server's own figure, so a forged
// link cannot put a figure on the wall.
const FAILOVER_MS = 3000;
const FLOOR_MS = 120000;
const FLOOR_SLACK = 0.01;

function floorsFromAddress() {
  const given = new URLSearchParams(window.location.search).get("shown");
  if (!given) return {};
  try {
    const floors = JSON.parse(given);
    return floors && typeof floors === "object" ? floors : {};
  } catch (e) {
    return {};
  }
}

function adoptFloor(s, key, m) {
  const floor = s.floors[key];
  if (!floor || s.shown[key] || Date.now() - s.mounted > FLOOR_MS) return;
  const near = (mine, theirs) => Number.isFinite(theirs) && theirs >= mine && theirs <= mine * (1 + FLOOR_SLACK) + 100;
  if (near(m.released, floor.released) && near(m.value_fen, floor.value_fen)) {
    s.shown[key] = { released: floor.released, rt: String(floor.rt), re: String(floor.re),
      value_fen: floor.value_fen, vt: String(floor.vt), ve: String(floor.ve) };
  }
}

function serverIndex(s) {
  return s.data.servers.findIndex((x) => new URL(x.url).origin === window.location.origin);
}

function nextAddress(s, server) {
  const params = new URLSearchParams(window.location.search);
  if (!server.trusted) params.delete("token");  // a kiosk token travels to configured servers only
  params.set("servers", s.data.servers.map((x) => x.url).join(","));
  params.set("shown", JSON.stringify(s.shown));
  return `${server.url}${window.location.pathname}?${params}`;
}

async function failover(s) {
  const servers = s.data.servers || [];
  if (s.moving || s.denied || servers.length < 2 || Date.now() - s.lastMessage < FAILOVER_MS) return;
  s.moving = true;
  const here = serverIndex(s);
  try {
    for (let step = 1; step < servers.length + (here < 0 ? 1 : 0); step++) {
      const server = servers[(here + step + servers.length) % servers.length];
      if (new URL(server.url).origin === window.location.origin) continue;
      try {
        // an opaque answer is enough: the server is up (its page does the rest)
        await fetch(`${server.url}/healthz`, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(1500) });
      } catch (e) {
        continue;
      }
      if (Date.now() - s.lastMessage < FAILOVER_MS) return;  // our own came back meanwhile
      window.location.assign(nextAddress(s, server));
      return;
    }
  } finally {
    s.moving = false;
  }
}

function connect(s) {
  if (s.events) s.events.close();
  clearTimeout(s.retry);
  if (s.denied) return;
  const ticket = s.data.ticket ? `&ticket=${encodeURIComponent(s.data.ticket)}` : "";
  const url = `${s.data.events_url}?screen=${encodeURIComponent(s.screen)}&lang=${s.data.lang}${ticket}`;
  const es = new EventSource(url);
  // the token was revoked (or the session ended): no figure stays on screen
  es.addEventListener("denied", () => {
    s.denied = true;
    es.close();
    q(s, ".body").innerHTML = "";
    s.root.querySelectorAll(".kpi .v, .kpi .s, .kpi .n").forEach((el) => { el.textContent = "—"; });
    q(s, ".spark").innerHTML = "";
    banner(s);
  });
  es.onmessage = (e) => show(s, JSON.parse(e.data));
  es.addEventListener("panels", (e) => {
    const p = JSON.parse(e.data);
    if (p.screen !== s.screen) return;
    q(s, ".body").innerHTML = p.html;
    fillLive(s);
    mountVideo(s);
  });
  // the browser retries a dropped stream by itself, but not a refused one (a
  // restarting server answers 503): then try again after a pause
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) s.retry = setTimeout(() => connect(s), 2000); };
  s.events = es;
}

export default function (component) {
  const { data, parentElement } = component;
  let s = STATES.get(parentElement);
  if (!s) {
    parentElement.querySelectorAll(".wall-box").forEach((old) => old.remove());
    const box = document.createElement("div");
    box.className = "wall-box";
    const root = document.createElement("div");
    root.className = "wall";
    root.innerHTML = SKELETON;
    box.appendChild(root);
    parentElement.appendChild(box);
    s = { box, root, shown: {}, offset: 0, lastMessage: Date.now(), message: null, data, paused: null, index: -1,
      floors: floorsFromAddress(), mounted: Date.now(), moving: false };
    s.timer = setInterval(() => tick(s), 250);
    // P or space pauses the rotation; the arrows step through it (and pause it)
    s.onKey = (e) => {
      if (s.data.fixed) return;
      const n = s.data.slides.length;
      if (e.key === "p" || e.key === "P" || e.key === " ") s.paused = s.paused === null ? s.index : null;
      else if (e.key === "ArrowRight") s.paused = (s.index + 1) % n;
      else if (e.key === "ArrowLeft") s.paused = (s.index + n - 1) % n;
      else return;
      e.preventDefault();
      tick(s);
    };
    document.addEventListener("keydown", s.onKey);
    STATES.set(parentElement, s);
  }
  const before = s.data;
  s.data = data;
  s.box.classList.toggle("kiosk", !!data.kiosk);
  q(s, ".district").textContent = data.title;
  q(s, ".paused").textContent = data.labels.paused;
  q(s, ".note").textContent = data.note;
  q(s, ".server").hidden = !data.server;
  q(s, ".server").textContent = data.server || "";
  if (before !== data && (before.lang !== data.lang || JSON.stringify(before.slides) !== JSON.stringify(data.slides))) {
    s.index = -1;  // a new playlist or language: start again from the clock
  }
  tick(s);
  return () => {
    clearInterval(s.timer);
    clearTimeout(s.retry);
    if (s.events) s.events.close();
    if (s.cam) s.cam.destroy();
    document.removeEventListener("keydown", s.onKey);
    STATES.delete(parentElement);
  };
}
