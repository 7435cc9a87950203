// One camera in a box: hls.js (served by the app at /video/hls.js) plays the
// camera's HLS; when the picture stops moving, the last frame stays, dimmed,
// with 信号中断 and how long ago it moved, never a spinner; the player retries
// by itself. Used by the wall's video panel and the video page.
const LOST_MS = 3000;  // no new frame this long: the feed is shown as interrupted
const RETRY_MS = 5000;

function loadHls() {
  if (window.Hls) return Promise.resolve(window.Hls);
  if (!window.cbecHlsLoading) {
    window.cbecHlsLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/video/hls.js";
      script.onload = () => resolve(window.Hls);
      script.onerror = () => { window.cbecHlsLoading = null; reject(new Error("hls.js")); };
      document.head.appendChild(script);
    });
  }
  return window.cbecHlsLoading;
}

function ageText(ms, L) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const n = s < 120 ? `${s}${L.sec}` : s < 7200 ? `${Math.floor(s / 60)}${L.min}` : `${Math.floor(s / 3600)}${L.hour}`;
  return L.ago.replace("{age}", n);
}

class CameraView {
  constructor(labels, ticket) {
    this.L = labels;
    this.ticket = ticket;  // a function: the page's current stream ticket ("" in the demo)
    this.el = document.createElement("div");
    this.el.className = "vbox";
    this.el.innerHTML = '<video muted playsinline autoplay disablepictureinpicture></video>'
      + '<canvas class="vlast" hidden></canvas><div class="vname"></div>'
      + '<div class="vlost" data-testid="video-lost" hidden><b></b><span></span></div>';
    this.video = this.el.querySelector("video");
    this.canvas = this.el.querySelector("canvas");
    this.url = "";
    this.hls = null;
    this.lastTime = -1;
    this.lastMove = Date.now();
    this.lastTry = 0;
    this.timer = setInterval(() => this.tick(), 500);
  }

  play(url, name) {
    this.el.querySelector(".vname").textContent = name;
    if (url === this.url) return;
    this.url = url;
    this.el.dataset.src = url;
    this.kept = false;  // another camera: the last one's picture is not this one's
    this.lastMove = Date.now();
    this.lastTime = -1;
    this.load();
  }

  load() {
    this.lastTry = Date.now();
    if (this.hls) { this.hls.destroy(); this.hls = null; }
    if (!this.url) return;
    const url = this.url;
    loadHls().then((Hls) => {
      if (url !== this.url || this.hls || !Hls.isSupported()) return;
      const ticket = this.ticket;
      this.hls = new Hls({
        // 1.5 s behind the newest segment's end: 1 s segments arrive in time, the picture stays under 3 s late
        lowLatencyMode: true, liveSyncDuration: 1.5, liveMaxLatencyDuration: 4,
        maxLiveSyncPlaybackRate: 1.5, backBufferLength: 4, maxBufferLength: 6, manifestLoadingMaxRetry: 0,
        xhrSetup(xhr, u) {
          const t = ticket();
          if (t) xhr.open("GET", `${u}${u.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(t)}`, true);
        },
      });
      this.hls.on(Hls.Events.ERROR, (_, d) => { if (d.fatal && this.hls) { this.hls.destroy(); this.hls = null; } });
      this.hls.loadSource(url);
      this.hls.attachMedia(this.video);
      this.video.play().catch(() => {});
    }).catch(() => {});
  }

  // the picture on screen, copied once a second while it moves: a player that
  // fails lets go of its picture at once, and the wall must keep the last one
  keepFrame() {
    const v = this.video;
    if (v.readyState < 2 || !v.videoWidth) return;
    if (this.canvas.width !== v.videoWidth) this.canvas.width = v.videoWidth;
    if (this.canvas.height !== v.videoHeight) this.canvas.height = v.videoHeight;
    this.canvas.getContext("2d").drawImage(v, 0, 0);
    this.kept = true;
  }

  tick() {
    const now = Date.now();
    const t = this.video.currentTime;
    if (t !== this.lastTime && !this.video.paused) {
      this.lastTime = t;
      this.lastMove = now;
    }
    const lost = now - this.lastMove > LOST_MS;
    const box = this.el.querySelector(".vlost");
    if (!lost && now - (this.lastKeep || 0) >= 1000) {
      this.lastKeep = now;
      this.keepFrame();
    }
    this.canvas.hidden = !(lost && this.kept);
    box.hidden = !lost;
    this.el.classList.toggle("lost", lost);
    if (lost) {
      box.querySelector("b").textContent = this.L.lost;
      box.querySelector("span").textContent = ageText(now - this.lastMove, this.L);
      if (now - this.lastTry > RETRY_MS) this.load();
    } else if (this.video.paused && this.hls) {
      this.video.play().catch(() => {});
    }
  }

  destroy() {
    clearInterval(this.timer);
    if (this.hls) this.hls.destroy();
    this.hls = null;
    this.el.remove();
  }
}
