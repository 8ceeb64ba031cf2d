// The playground page: Pyodide runs the engine (autograd_scalar itself), Graphviz for the web
// draws, stepper.js steps. The code and the open view live in the URL's fragment.
"use strict";
const $ = (selector) => document.querySelector(selector);
let config, pyodide, viz, runCode;
let openView = "drawing";

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

function encode(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decode(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function readLink() {
  const state = new URLSearchParams(location.hash.slice(1));
  return { code: state.has("code") ? decode(state.get("code")) : null, view: state.get("view") };
}

function writeLink() {
  const state = new URLSearchParams({ view: openView, code: encode($("#code").value) });
  history.replaceState(null, "", "#" + state.toString());
}

function show(view) {
  openView = view;
  document.querySelectorAll("#tabs button").forEach((b) =>
    b.classList.toggle("open", b.dataset.view === view));
  document.querySelectorAll(".view").forEach((v) =>
    v.classList.toggle("open", v.id === "view-" + view));
  writeLink();
}

const svgOf = (dot) => viz.renderString(dot, { format: "svg" });

function text(id, value) {
  const el = $("#view-" + id);
  el.textContent = value === undefined ? "" : (value.error ? value.error : value);
  el.classList.toggle("failed", Boolean(value && value.error));
}

async function render(result) {
  $("#error").textContent = result.error || "";
  $("#output").textContent = result.output || "";
  const drawing = $("#view-drawing");
  if (result.drawing === undefined) drawing.textContent = "";
  else if (result.drawing.error) drawing.textContent = result.drawing.error;
  else drawing.innerHTML = svgOf(result.drawing);
  const stepper = $("#view-stepper");
  stepper.replaceChildren();
  stepper.className = "view" + (openView === "stepper" ? " open" : "");
  if (result.stepper && !result.stepper.error) {
    const root = document.createElement("div");
    stepper.appendChild(root);
    await autogradStepper(root, result.stepper, { render: svgOf });
  } else if (result.stepper) stepper.textContent = result.stepper.error;
  ["derivation", "primal", "adjoint", "program"].forEach((v) => text(v, result[v]));
  training(result.training);
}

function training(found) {
  const el = $("#view-training");
  el.replaceChildren();
  if (!found) { el.textContent = "no training: code that fills a list named losses plots it here"; return; }
  const ns = "http://www.w3.org/2000/svg";
  const w = 420, h = 260, losses = found.losses;
  const top = Math.max(...losses), bottom = Math.min(...losses, 0);
  const points = losses.map((l, i) =>
    `${20 + (w - 30) * i / Math.max(1, losses.length - 1)},${h - 20 - (h - 40) * (l - bottom) / (top - bottom || 1)}`);
  el.insertAdjacentHTML("beforeend",
    `<figure><figcaption>loss by step: ${losses[0].toFixed(4)} → <span class="last-loss">${losses[losses.length - 1].toFixed(4)}</span></figcaption>` +
    `<svg xmlns="${ns}" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fafafa"/>` +
    `<polyline class="loss" fill="none" stroke="#1f77b4" stroke-width="2" points="${points.join(" ")}"/></svg></figure>`);
  if (!found.grid) return;
  const n = found.grid.length, size = 260, cell = size / (n - 1);
  const [x0, x1, y0, y1] = found.box;
  let cells = "";
  found.grid.forEach((row, j) => row.forEach((v, i) => {
    cells += `<rect x="${(i - 0.5) * cell}" y="${(j - 0.5) * cell}" width="${cell}" height="${cell}" fill="${v > 0 ? "#cfe3f5" : "#fde3cc"}"/>`;
  }));
  const dots = found.points.map((p, k) =>
    `<circle cx="${(p[0] - x0) / (x1 - x0) * size}" cy="${(y1 - p[1]) / (y1 - y0) * size}" r="3.5" fill="${found.labels[k] > 0 ? "#1f77b4" : "#ff7f0e"}" stroke="black" stroke-width=".5"/>`).join("");
  el.insertAdjacentHTML("beforeend",
    `<figure><figcaption>decision boundary: the sign of classify(point)</figcaption>` +
    `<svg class="boundary" xmlns="${ns}" width="${size}" height="${size}">${cells}${dots}</svg></figure>`);
}

function lastLine(err) {
  const lines = String(err && err.message ? err.message : err).trim().split("\n");
  return lines[lines.length - 1];
}

async function run() {
  $("#status").textContent = "running…";
  $("#run").disabled = true;
  await new Promise((r) => setTimeout(r, 10)); // let the page repaint first
  const started = performance.now();
  try {
    writeLink();
    await render(JSON.parse(runCode($("#code").value)));
    $("#status").textContent = `ran in ${Math.round(performance.now() - started)} ms`;
  } catch (err) {
    $("#error").textContent = lastLine(err);
    $("#status").textContent = "failed";
  } finally {
    $("#run").disabled = false;
    document.body.dataset.runs = String(+(document.body.dataset.runs || 0) + 1);
  }
}

async function start() {
  const opened = performance.now();
  config = await (await fetch("config.json")).json();
  const menu = $("#examples");
  Object.keys(config.examples).forEach((name) => menu.appendChild(new Option(name, name)));
  const link = readLink();
  $("#code").value = link.code !== null ? link.code : config.examples[menu.value];
  show(link.view || "drawing");
  const indexURL = new URL(config.pyodide, location.href).href;
  await Promise.all([loadScript(indexURL + "pyodide.js"), loadScript(config.viz)]);
  [pyodide, viz] = await Promise.all([loadPyodide({ indexURL }), Viz.instance()]);
  for (const archive of config.packages) {
    pyodide.unpackArchive(await (await fetch(archive)).arrayBuffer(), "zip");
  }
  runCode = pyodide.runPython(
    "from autograd_scalar.apps.playground import run_code_json\nrun_code_json");
  await run();
  document.body.dataset.firstDrawing = String(Math.round(performance.now() - opened));
  $("#status").textContent += ` (first drawing ${(performance.now() - opened) / 1000 | 0} s after opening)`;
  document.body.dataset.ready = "yes";
}

document.querySelectorAll("#tabs button").forEach((b) => { b.onclick = () => show(b.dataset.view); });
$("#run").onclick = run;
$("#code").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
});
$("#examples").onchange = () => { $("#code").value = config.examples[$("#examples").value]; run(); };
start().catch((err) => { $("#error").textContent = lastLine(err); $("#status").textContent = "could not start"; });
