// The backward stepper: one drawing, each step's colours, numbers and caption as data.
// The same script serves the saved page, the notebook output and the playground.
// autogradStepper(root, data, options): data as written by stepper_data() in trace.py;
// options.svg: the drawing as SVG (else options.render(dot) gives a Promise of it);
// options.keys: "document" to step with ← → anywhere on the page (else when root has focus).
(function () {
  "use strict";
  function make(tag, attrs, text) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function table(data) {
    const t = make("table", { class: "steps" });
    const head = t.createTHead().insertRow();
    data.header.forEach((h) => head.appendChild(make("th", {}, h)));
    const body = t.createTBody();
    data.rows.forEach((row) => {
      const tr = body.insertRow();
      row.forEach((c) => tr.appendChild(make("td", {}, c)));
    });
    return t;
  }
  function mount(root, data, options) {
    options = options || {};
    root.classList.add("autograd-stepper");
    root.tabIndex = 0;
    const last = data.steps.length - 1;
    const controls = make("div", { class: "controls" });
    const previous = make("button", { class: "previous", type: "button" }, "◀ previous");
    const next = make("button", { class: "next", type: "button" }, "next ▶");
    const slider = make("input", {
      class: "slider", type: "range", min: "0", max: String(last), value: "0",
      "aria-label": "step",
    });
    controls.append(previous, next, slider);
    const caption = make("div", { class: "caption" });
    const figure = make("div", { class: "figure" });
    const rows = table(data);
    root.replaceChildren(controls, caption, figure, rows);
    let current = 0;
    let edges = {};
    let grads = {};
    const original = new Map();

    function index(svg) {
      edges = {};
      grads = {};
      svg.querySelectorAll("g.edge").forEach((g) => {
        const title = g.querySelector("title").textContent;
        (edges[title] = edges[title] || []).push(g);
        g.querySelectorAll("path, polygon, text").forEach((el) => {
          original.set(el, ["stroke", "fill", "stroke-width"].map((a) => el.getAttribute(a)));
        });
      });
      svg.querySelectorAll("g.node").forEach((g) => {
        const title = g.querySelector("title").textContent;
        const text = [...g.querySelectorAll("text")].filter((t) =>
          t.textContent.startsWith("grad "));
        if (text.length) grads[title] = text[text.length - 1];
      });
    }
    function restore(el) {
      ["stroke", "fill", "stroke-width"].forEach((a, k) => {
        const v = original.get(el)[k];
        if (v === null) el.removeAttribute(a); else el.setAttribute(a, v);
      });
    }
    function light(g) {
      g.classList.add("lit");
      g.querySelectorAll("path").forEach((el) => {
        el.setAttribute("stroke", data.highlight);
        el.setAttribute("stroke-width", "2.5");
      });
      g.querySelectorAll("polygon").forEach((el) => {
        el.setAttribute("stroke", data.highlight);
        el.setAttribute("fill", data.highlight);
      });
      g.querySelectorAll("text").forEach((el) => el.setAttribute("fill", data.highlight));
    }
    function show(i) {
      current = Math.max(0, Math.min(last, i));
      slider.value = String(current);
      caption.textContent = data.steps[current].caption;
      [...rows.tBodies[0].rows].forEach((r, k) => r.classList.toggle("current", k === current));
      const shown = Object.assign({}, data.start);
      for (let k = 0; k <= current; k++) Object.assign(shown, data.steps[k].grads);
      for (const [name, text] of Object.entries(shown)) if (grads[name]) grads[name].textContent = text;
      original.forEach((_, el) => restore(el));
      figure.querySelectorAll("g.edge.lit").forEach((g) => g.classList.remove("lit"));
      const lit = [];
      data.steps[current].edges.forEach(([title, k]) => {
        const found = edges[title] || [];
        const g = found[k] || found[0];
        if (g) { light(g); lit.push(g); }
      });
      if (lit.length) keepInView(lit[0]);
      root.dataset.step = String(current);
    }
    function keepInView(g) {
      const box = g.getBoundingClientRect();
      const view = figure.getBoundingClientRect();
      if (box.left < view.left || box.right > view.right) {
        figure.scrollLeft += box.left - view.left - view.width / 2 + box.width / 2;
      }
      if (box.top < view.top || box.bottom > view.bottom) {
        figure.scrollTop += box.top - view.top - view.height / 2 + box.height / 2;
      }
    }
    previous.onclick = () => show(current - 1);
    next.onclick = () => show(current + 1);
    slider.oninput = () => show(+slider.value);
    const keys = (e) => {
      if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
      if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
    };
    (options.keys === "document" ? document : root).addEventListener("keydown", keys);
    function place(svg) {
      figure.innerHTML = svg.slice(svg.indexOf("<svg"));
      index(figure);
      show(0);
    }
    if (options.svg) place(options.svg);
    else return Promise.resolve(options.render(data.dot)).then(place);
    return Promise.resolve();
  }
  window.autogradStepper = mount;
})();
