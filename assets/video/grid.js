// The video page: the cameras in a grid, one row per site; a click enlarges a
// picture to the whole grid and a second click puts it back. One player per
// camera, kept across the page's re-sends of its settings.
const GRIDS = new WeakMap();

function build(g) {
  g.root.innerHTML = "";
  g.views.forEach((v) => v.destroy());
  g.views = new Map();
  for (const site of g.data.sites) {
    const row = document.createElement("section");
    row.className = "vsite";
    row.innerHTML = `<h3></h3><div class="vcells"></div>`;
    row.querySelector("h3").textContent = site.name;
    for (const cam of site.cameras) {
      const cell = document.createElement("div");
      cell.className = "vcell";
      cell.dataset.camera = cam.id;
      cell.dataset.testid = "video-cell";
      const view = new CameraView(g.data.labels, () => g.data.ticket || "");
      view.play(cam.url, cam.name);
      cell.appendChild(view.el);
      cell.addEventListener("click", () => {
        const big = !cell.classList.contains("big");
        g.root.querySelectorAll(".vcell.big").forEach((c) => c.classList.remove("big"));
        cell.classList.toggle("big", big);
        g.root.classList.toggle("has-big", big);
      });
      row.querySelector(".vcells").appendChild(cell);
      g.views.set(cam.id, view);
    }
    g.root.appendChild(row);
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let g = GRIDS.get(parentElement);
  if (!g) {
    const root = document.createElement("div");
    root.className = "vgrid";
    root.dataset.testid = "video-grid";
    parentElement.appendChild(root);
    g = { root, data, views: new Map(), shape: "" };
    GRIDS.set(parentElement, g);
  }
  g.data = data;
  const shape = JSON.stringify(data.sites);
  if (shape !== g.shape) {
    g.shape = shape;
    build(g);
  }
  return () => {
    g.views.forEach((v) => v.destroy());
    g.root.remove();
    GRIDS.delete(parentElement);
  };
}
