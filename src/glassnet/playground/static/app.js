/* glassnet playground: the page. It draws what the server sends and sends what the user
 * does; every number (data, weights, maps, losses) is computed by glassnet in Python.
 *
 * Messages in: hello, catalog, data, state, error, diverged, explain (JSON) and frames
 * (binary: uint32 header length, JSON header, padding to 4 bytes, one uint8 map of
 * GRID × GRID per neuron, layer by layer; 0 is -1 (orange), 128 is 0, 255 is +1 (blue)).
 */
"use strict";

const FEATURE_LABELS = {x: "x₁", y: "x₂", xSquared: "x₁²", ySquared: "x₂²",
  xTimesY: "x₁x₂", sinX: "sin(x₁)", sinY: "sin(x₂)"};
const FEATURE_KEYS = Object.keys(FEATURE_LABELS);
const USES_X2 = ["y", "ySquared", "xTimesY", "sinY"];
const DATASET_TITLES = {circle: "Circle", xor: "Exclusive or", gauss: "Gaussian",
  spiral: "Spiral", moons: "Two moons", spiral3: "Spiral, 3 classes",
  "reg-plane": "Plane", "reg-gauss": "Multi Gaussian", curve: "1-D curve"};
const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca25f", "#8e44ad", "#d62728", "#17becf",
  "#7f7f7f", "#bcbd22"];
const NODE = 36;        // neuron box size in px
const ROW = 48;         // vertical distance between neurons
const TOP = 64;         // room above the first neuron for the layer controls
const MAP_X = 34, MAP_Y = 8, MAP_SIZE = 300;   // the big map inside its canvas

const S = {ws: null, id: null, catalog: null, choices: null, desc: null, state: null,
  points: null, featureMaps: null, frame: null, history: [], hover: null,
  explain: null, layoutKey: "", nodes: [], links: [], biases: []};

// ------------------------------------------------------------------ colours
function hexRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const ORANGE = hexRgb("#f59322"), GREY = hexRgb("#e8eaeb"), BLUE = hexRgb("#0877bd");
const LUT = new Uint8Array(256 * 3);   // byte -> rgb on the orange-grey-blue scale
for (let q = 0; q < 256; q++) {
  const v = q / 127.5 - 1, t = Math.min(1, Math.abs(v)), end = v < 0 ? ORANGE : BLUE;
  for (let c = 0; c < 3; c++) LUT[3 * q + c] = Math.round(GREY[c] + t * (end[c] - GREY[c]));
}
function valueColour(v) {   // a number on [-1, 1] -> css colour
  const q = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
  return `rgb(${LUT[3 * q]},${LUT[3 * q + 1]},${LUT[3 * q + 2]})`;
}
function labelColour(label) {
  const d = S.desc;
  if (d.nClasses) return CLASS_COLOURS[label % CLASS_COLOURS.length];
  return valueColour(label / d.outputScale);
}

// ------------------------------------------------------------------ small helpers
const $ = (id) => document.getElementById(id);
function send(message) {
  if (S.ws && S.ws.readyState === WebSocket.OPEN) S.ws.send(JSON.stringify(message));
}
function setSettings(settings) { send({type: "set", settings}); }
function fmt(v, digits = 3) { return v === null || v === undefined ? "–" : v.toFixed(digits); }
function epochText(n) {
  const s = String(n).padStart(6, "0");
  return s.slice(0, s.length - 3) + "," + s.slice(-3);
}
let messageTimer = null;
function showMessage(text, kind = "error", sticky = false) {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
  clearTimeout(messageTimer);
  if (!sticky) messageTimer = setTimeout(() => { box.hidden = true; }, 10000);
}
function mapOf(layer, unit) {   // the uint8 map of neuron `unit` of layer `layer` (1…L)
  const G2 = S.desc.grid * S.desc.grid, sizes = S.desc.sizes;
  let k = 0;
  for (let l = 1; l < layer; l++) k += sizes[l];
  return S.frame.maps.subarray((k + unit) * G2, (k + unit + 1) * G2);
}
function featureMap(key) {
  const G2 = S.desc.grid * S.desc.grid, i = FEATURE_KEYS.indexOf(key);
  return S.featureMaps.subarray(i * G2, (i + 1) * G2);
}
function paint(canvas, map, discretize = false) {   // one uint8 map onto a GRID² canvas
  const G = S.desc.grid, ctx = canvas.getContext("2d"), img = ctx.createImageData(G, G);
  for (let p = 0; p < G * G; p++) {
    const q = discretize ? (map[p] >= 128 ? 255 : 0) : map[p];
    img.data[4 * p] = LUT[3 * q]; img.data[4 * p + 1] = LUT[3 * q + 1];
    img.data[4 * p + 2] = LUT[3 * q + 2]; img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
function paintClasses(canvas, maps, discretize) {   // softmax: colour of the likeliest class
  const G = S.desc.grid, ctx = canvas.getContext("2d"), img = ctx.createImageData(G, G);
  const K = maps.length, colours = CLASS_COLOURS.map(hexRgb);
  for (let p = 0; p < G * G; p++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (maps[k][p] > maps[best][p]) best = k;
    const prob = maps[best][p] / 255, c = colours[best % colours.length];
    const t = discretize ? 1 : Math.max(0, (prob - 1 / K) / (1 - 1 / K));
    for (let j = 0; j < 3; j++) img.data[4 * p + j] = Math.round(GREY[j] + t * (c[j] - GREY[j]));
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
function gridCanvas() {
  const c = document.createElement("canvas");
  c.width = c.height = S.desc ? S.desc.grid : 100;
  return c;
}

// ------------------------------------------------------------------ the connection
function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") +
    location.host + "/ws");
  ws.binaryType = "arraybuffer";
  ws.onopen = () => ws.send(JSON.stringify({type: "init", hash: location.hash}));
  ws.onmessage = (event) => {
    if (typeof event.data === "string") onMessage(JSON.parse(event.data));
    else onFrame(event.data);
  };
  ws.onclose = () => showMessage("The connection to the playground server was lost. Is " +
    "`glassnet playground` still running? Reload the page to start again.", "error", true);
  S.ws = ws;
}

function onMessage(m) {
  switch (m.type) {
    case "hello":
      S.id = m.id;
      $("export-data").href = `/api/${m.id}/data.csv`;
      $("export-model").href = `/api/${m.id}/model.npz`;
      $("export-snippet").href = `/api/${m.id}/snippet.py`;
      break;
    case "catalog":
      S.catalog = m.datasets; S.choices = m.choices; fillChoices();
      break;
    case "data":
      S.points = m;
      S.featureMaps = Uint8Array.from(atob(m.featureMaps), (ch) => ch.charCodeAt(0));
      S.layoutKey = "";   // feature maps changed: redraw the diagram
      break;
    case "state": onState(m); break;
    case "error": showMessage(m.message, "error"); break;
    case "diverged": showMessage(m.message, "warning", true); break;
    case "explain": showExplain(m); break;
  }
}

function onFrame(buffer) {
  const n = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  const maps = new Uint8Array(buffer, 4 + n + ((4 - (n % 4)) % 4));
  S.frame = {header, maps};
  const h = S.history, last = h[h.length - 1];
  if (!last || header.epoch < last.epoch) h.length = 0;
  const point = {epoch: header.epoch, train: header.trainLoss, test: header.testLoss};
  if (h.length && h[h.length - 1].epoch === header.epoch) h[h.length - 1] = point;
  else h.push(point);
  if (h.length > 4000) S.history = h.filter((_, i) => i % 2 === 0 || i === h.length - 1);
  drawFrame();
}

// ------------------------------------------------------------------ controls
function fillChoices() {
  const c = S.choices;
  const lists = {learningRate: c.learningRate, regularizationRate: c.regularizationRate,
    activation: c.activation, regularization: c.regularization, problem: c.problem,
    optimizer: c.optimizer, recipe: c.recipe, speed: c.speed};
  const names = {none: "None", L1: "L1", L2: "L2", classification: "Classification",
    regression: "Regression", glassnet: "glassnet defaults",
    tensorflow: "TensorFlow Playground", sgd: "SGD",
    momentum: "Momentum", classic_momentum: "Classic momentum", rmsprop: "RMSProp",
    adam: "Adam", relu: "ReLU", tanh: "Tanh", sigmoid: "Sigmoid", linear: "Linear"};
  for (const [key, values] of Object.entries(lists)) {
    const select = $(key);
    select.innerHTML = "";
    for (const v of values) {
      const option = document.createElement("option");
      option.value = String(v);
      option.textContent = key === "speed" ? (v === 0 ? "as fast as it goes" :
        `${v} epoch${v > 1 ? "s" : ""} / frame`) : (names[v] || String(v));
      select.appendChild(option);
    }
  }
}

function bindControls() {
  for (const el of document.querySelectorAll("[data-setting]")) {
    const key = el.dataset.setting;
    el.addEventListener("change", () => {
      let value = el.type === "checkbox" ? el.checked : el.value;
      if (el.type === "range" || "number" in el.dataset) value = Number(value);
      setSettings({[key]: value});
    });
    if (el.type === "range") {
      el.addEventListener("input", () => { $(key + "-value").textContent = el.value; });
    }
  }
  $("play-pause-button").onclick = () => send({type: S.desc && S.desc.playing ? "pause" : "play"});
  $("step-button").onclick = () => send({type: "step"});
  $("reset-button").onclick = () => send({type: "reset"});
  $("new-weights-button").onclick = () => send({type: "newWeights"});
  $("regenerate-button").onclick = () => send({type: "regenerate"});
  $("add-layer").onclick = () => setSettings({networkShape: [...S.state.networkShape, 2]});
  $("remove-layer").onclick = () =>
    setSettings({networkShape: S.state.networkShape.slice(0, -1)});
  $("upload").addEventListener("change", uploadFile);
  $("explain-close").onclick = () => { S.explain = null; $("explain").hidden = true; };
  for (const id of ["explain-x1", "explain-x2"]) $(id).addEventListener("change", askExplain);
  $("heatmap").addEventListener("click", (event) => {
    if (!S.explain) return;
    const [x1, x2] = mapToView(event);
    $("explain-x1").value = x1.toFixed(2); $("explain-x2").value = x2.toFixed(2);
    askExplain();
  });
  bindChart();
  bindEditor();
  window.addEventListener("hashchange", () => send({type: "init", hash: location.hash}));
}

async function uploadFile() {
  const file = $("upload").files[0];
  $("upload").value = "";
  if (!file || !S.id) return;
  const response = await fetch(`/api/${S.id}/upload?name=${encodeURIComponent(file.name)}`,
    {method: "POST", body: file, headers: {"Content-Type": "text/csv"}});
  if (!response.ok) {
    let text = `upload failed (${response.status})`;
    try { text = (await response.json()).error; } catch (e) { /* not JSON */ }
    showMessage(text, "error");
  } else {
    showMessage(`Training on ${file.name} now.`, "info");
  }
}

function onState(m) {
  S.desc = m; S.state = m.state;
  const st = m.state;
  if (location.hash.slice(1) !== m.hash) history.replaceState(null, "", "#" + m.hash);
  for (const el of document.querySelectorAll("[data-setting]")) {
    const v = st[el.dataset.setting];
    if (el.type === "checkbox") el.checked = v;
    else el.value = String(v);
    if (el.type === "range") $(el.dataset.setting + "-value").textContent = String(v);
  }
  $("play-pause-button").classList.toggle("playing", m.playing);
  document.body.classList.toggle("regression", st.problem === "regression");
  for (const el of document.querySelectorAll("[class*='ui-']")) el.classList.remove("hidden");
  for (const control of st.hidden) {
    for (const el of document.querySelectorAll(".ui-" + control)) el.classList.add("hidden");
  }
  const n = st.networkShape.length;
  $("num-layers").textContent = n;
  $("layers-plural").textContent = n === 1 ? "" : "s";
  $("add-layer").disabled = n >= m.limits.layers;
  $("remove-layer").disabled = n <= 0;
  drawThumbnails();
  const key = JSON.stringify([m.sizes, m.features, m.activations, m.nClasses, m.oneD, st.x,
    st.y, st.xSquared, st.ySquared, st.xTimesY, st.sinX, st.sinY, st.networkShape]);
  if (key !== S.layoutKey && S.featureMaps) { S.layoutKey = key; buildNetwork(); }
  if (S.frame) drawFrame();
}

function drawThumbnails() {
  const box = $("datasets"), st = S.state;
  const names = st.problem === "classification" ? S.choices.dataset : S.choices.regDataset;
  const current = st.problem === "classification" ? st.dataset : st.regDataset;
  const key = names.join() + current;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.innerHTML = "";
  for (const name of names) {
    const item = document.createElement("div");
    item.className = "dataset" + (name === current ? " selected" : "");
    item.title = DATASET_TITLES[name] || name;
    item.dataset.name = name;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 56;
    drawSample(canvas, S.catalog[name]);
    item.appendChild(canvas);
    const caption = document.createElement("span");
    caption.textContent = DATASET_TITLES[name] || name;
    item.appendChild(caption);
    item.onclick = () => setSettings({[st.problem === "classification" ? "dataset" :
      "regDataset"]: name});
    box.appendChild(item);
  }
  if (current === "upload") {
    const item = document.createElement("div");
    item.className = "dataset selected upload-item";
    item.textContent = "your CSV";
    box.appendChild(item);
  }
}

function drawSample(canvas, sample) {
  const ctx = canvas.getContext("2d"), W = canvas.width;
  const lo = (a) => Math.min(...a), hi = (a) => Math.max(...a);
  const [x0, x1, y0, y1] = [lo(sample.x1), hi(sample.x1), lo(sample.x2), hi(sample.x2)];
  const sx = (x) => 4 + (x - x0) / ((x1 - x0) || 1) * (W - 8);
  const sy = (y) => W - 4 - (y - y0) / ((y1 - y0) || 1) * (W - 8);
  const regression = !sample.label.every((v) => Number.isInteger(v));
  const top = Math.max(...sample.label.map(Math.abs)) || 1;
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, W);
  sample.x1.forEach((x, i) => {
    const label = sample.label[i];
    ctx.fillStyle = regression ? valueColour(label / top) : CLASS_COLOURS[label];
    ctx.beginPath(); ctx.arc(sx(x), sy(sample.x2[i]), 1.8, 0, 2 * Math.PI); ctx.fill();
  });
}

// ------------------------------------------------------------------ the network diagram
function buildNetwork() {
  const m = S.desc, st = S.state, box = $("network"), svg = $("links");
  for (const el of box.querySelectorAll(".node, .layer-head, .feature-label")) el.remove();
  svg.innerHTML = "";
  S.nodes = []; S.links = []; S.biases = [];
  const shape = st.networkShape, L = shape.length + 1;
  const width = box.clientWidth || 600;
  const x0 = 70, gap = (width - x0 - NODE - 20) / L;
  const columnX = (c) => x0 + c * gap;     // c = 0 features, 1…L layers
  const tallest = Math.max(FEATURE_KEYS.length, ...shape, m.sizes[m.sizes.length - 1]);
  box.style.height = `${TOP + tallest * ROW + 10}px`;
  svg.setAttribute("width", width); svg.setAttribute("height", TOP + tallest * ROW + 10);

  // column 0: all seven features, the chosen ones feed the network
  const sources = [];
  FEATURE_KEYS.forEach((key, i) => {
    const active = m.features.includes(key);
    const disabled = m.oneD && USES_X2.includes(key);
    const node = addNode(columnX(0), TOP + i * ROW, "feature" + (active ? " active" : "") +
      (disabled ? " disabled" : ""), {feature: key});
    paint(node.canvas, featureMap(key));
    node.el.title = disabled ? "this data set has one input, x₁" :
      `${FEATURE_LABELS[key]}: click to ${active ? "stop feeding it in" : "feed it in"}`;
    node.el.onclick = () => { if (!disabled) setSettings({[key]: !st[key]}); };
    const label = document.createElement("div");
    label.className = "feature-label ui-features";
    label.textContent = FEATURE_LABELS[key];
    label.style.left = `${columnX(0) - 62}px`; label.style.top = `${TOP + i * ROW + 10}px`;
    box.appendChild(label);
    if (active) sources.push({x: columnX(0) + NODE, y: TOP + i * ROW + NODE / 2});
  });

  // columns 1…L: hidden layers, then the output layer
  let previous = sources;
  for (let l = 1; l <= L; l++) {
    const units = m.sizes[l], output = l === L, here = [];
    if (!output) addLayerHead(l, columnX(l) - 14);
    else addOutputHead(columnX(l) - 14);
    for (let i = 0; i < units; i++) {
      const x = columnX(l), y = TOP + i * ROW;
      const node = addNode(x, y, output ? "neuron output" : "neuron", {layer: l, unit: i});
      here.push({x: x + NODE, y: y + NODE / 2});
      previous.forEach((src, j) => addLink(src, {x, y: y + NODE / 2}, l, i, j));
      addBias(x - 10, y + NODE - 8, l, i);
      node.el.onclick = () => openExplain(l, i);
    }
    previous = here;
  }
}

function addNode(x, y, cls, info) {
  const el = document.createElement("div");
  el.className = "node " + cls;
  el.style.left = `${x}px`; el.style.top = `${y}px`;
  const canvas = gridCanvas();
  el.appendChild(canvas);
  $("network").appendChild(el);
  el.addEventListener("mouseenter", () => { S.hover = info; drawHeatmap(); });
  el.addEventListener("mouseleave", () => { S.hover = null; drawHeatmap(); });
  const node = {el, canvas, ...info};
  S.nodes.push(node);
  return node;
}

function addLayerHead(l, x) {
  const st = S.state, i = l - 1, head = document.createElement("div");
  head.className = "layer-head";
  head.style.left = `${x}px`;
  head.innerHTML = `<div class="ui-numHiddenLayers"><button class="round small">+</button>` +
    `<button class="round small">&minus;</button></div>` +
    `<div class="count">${st.networkShape[i]} neuron${st.networkShape[i] > 1 ? "s" : ""}</div>`;
  const [plus, minus] = head.querySelectorAll("button");
  plus.disabled = st.networkShape[i] >= S.desc.limits.neurons;
  minus.disabled = st.networkShape[i] <= 1;
  const change = (d) => {
    const shape = [...st.networkShape]; shape[i] += d; setSettings({networkShape: shape});
  };
  plus.onclick = () => change(1);
  minus.onclick = () => change(-1);
  const select = document.createElement("select");
  select.className = "layer-activation ui-activation";
  select.title = `activation g[${l}] of hidden layer ${l}`;
  for (const g of S.choices.activation) {
    const option = document.createElement("option");
    option.value = g; option.textContent = g;
    select.appendChild(option);
  }
  select.value = st.activations[i];
  select.onchange = () => {
    const acts = [...st.activations]; acts[i] = select.value; setSettings({activations: acts});
  };
  head.appendChild(select);
  $("network").appendChild(head);
}

function addOutputHead(x) {
  const head = document.createElement("div");
  head.className = "layer-head";
  head.style.left = `${x}px`;
  const g = S.desc.activations[S.desc.activations.length - 1];
  const loss = {binary_cross_entropy: "cross-entropy", categorical_cross_entropy:
    "cross-entropy", half_squared_error: "½ squared error"}[S.desc.loss] || S.desc.loss;
  head.innerHTML = `<div class="count">output</div><div class="hint">${g}</div>` +
    `<div class="hint">${loss}</div>`;
  $("network").appendChild(head);
}

function svgEl(name, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function addLink(a, b, layer, row, col) {
  const mid = (a.x + b.x) / 2;
  const d = `M${a.x},${a.y} C${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}`;
  const line = svgEl("path", {d, class: "link"});
  const hit = svgEl("path", {d, class: "link-hit"});
  const info = {kind: "W", layer, row, col, line};
  hit.addEventListener("mousemove", (e) => showTip(e, paramText(info)));
  hit.addEventListener("mouseleave", hideTip);
  hit.addEventListener("click", (e) => openEditor(e, info));
  $("links").appendChild(line); $("links").appendChild(hit);
  S.links.push(info);
}

function addBias(x, y, layer, row) {
  const rect = svgEl("rect", {x, y, width: 8, height: 8, class: "bias"});
  const info = {kind: "b", layer, row, col: 0, rect};
  rect.addEventListener("mousemove", (e) => showTip(e, paramText(info)));
  rect.addEventListener("mouseleave", hideTip);
  rect.addEventListener("click", (e) => openEditor(e, info));
  $("links").appendChild(rect);
  S.biases.push(info);
}

function paramValue(info) {
  const h = S.frame.header;
  return info.kind === "W" ? h.W[info.layer - 1][info.row][info.col] : h.b[info.layer - 1][info.row];
}
function paramText(info) {
  const name = info.kind === "W" ? `W[${info.layer}] row ${info.row + 1}, column ${info.col + 1}`
    : `b[${info.layer}] row ${info.row + 1}`;
  return `${name} = ${S.frame ? paramValue(info).toFixed(4) : "?"}`;
}

function showTip(event, text) {
  const tip = $("tip");
  tip.textContent = text; tip.hidden = false;
  tip.style.left = `${event.pageX + 12}px`; tip.style.top = `${event.pageY + 12}px`;
}
function hideTip() { $("tip").hidden = true; }

let editing = null;
function openEditor(event, info) {
  if (!S.frame) return;
  editing = info;
  const box = $("editor");
  $("editor-label").textContent = (info.kind === "W" ? `W[${info.layer}]` : `b[${info.layer}]`) +
    (info.kind === "W" ? ` ${info.row + 1},${info.col + 1}` : ` ${info.row + 1}`) + " = ";
  $("editor-input").value = paramValue(info).toFixed(4);
  box.style.left = `${event.pageX}px`; box.style.top = `${event.pageY}px`;
  box.hidden = false;
  $("editor-input").focus(); $("editor-input").select();
}
function bindEditor() {
  const input = $("editor-input");
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && editing) {
      const value = Number(input.value);
      if (input.value.trim() === "" || !Number.isFinite(value)) {
        showMessage("type a number, e.g. 0.5", "error"); return;
      }
      send({type: "edit", kind: editing.kind, layer: editing.layer, row: editing.row,
        col: editing.col, value});
      $("editor").hidden = true; editing = null;
    } else if (e.key === "Escape") { $("editor").hidden = true; editing = null; }
  });
  input.addEventListener("blur", () => setTimeout(() => { $("editor").hidden = true; }, 150));
}

// ------------------------------------------------------------------ drawing a frame
function frameFits() {   // the frame was drawn for the network the diagram shows
  const W = S.frame.header.W, sizes = S.desc.sizes;
  return W.length === sizes.length - 1 &&
    W.every((w, l) => w.length === sizes[l + 1] && w[0].length === sizes[l]);
}

function drawFrame() {
  const h = S.frame.header, d = S.desc;
  if (!d || S.layoutKey === "" || !frameFits()) return;
  $("epoch-number").textContent = epochText(h.epoch);
  $("loss-test").textContent = fmt(h.testLoss);
  $("loss-train").textContent = fmt(h.trainLoss);
  const classes = d.nClasses > 0;
  for (const el of document.querySelectorAll(".accuracy")) el.hidden = !classes;
  $("accuracy-test").textContent = classes ? `${(100 * h.testAccuracy).toFixed(1)}%` : "";
  $("accuracy-train").textContent = classes ? `${(100 * h.trainAccuracy).toFixed(1)}%` : "";
  for (const node of S.nodes) if (node.layer) paint(node.canvas, mapOf(node.layer, node.unit));
  for (const link of S.links) {
    const w = paramValue(link);
    link.line.setAttribute("stroke", valueColour(Math.max(-1, Math.min(1, w))));
    link.line.setAttribute("stroke-width", Math.min(10, 1 + 9 * Math.abs(w) / 5));
  }
  for (const bias of S.biases) bias.rect.setAttribute("fill", valueColour(paramValue(bias)));
  drawHeatmap();
  drawChart();
}

const offscreen = document.createElement("canvas");
function drawHeatmap() {
  if (!S.frame || !S.desc || !frameFits()) return;
  const d = S.desc, st = S.state, canvas = $("heatmap"), ctx = canvas.getContext("2d");
  offscreen.width = offscreen.height = d.grid;
  const L = d.sizes.length - 1, hover = S.hover;
  let caption;
  if (hover && hover.feature) {
    paint(offscreen, featureMap(hover.feature));
    caption = `Input feature ${FEATURE_LABELS[hover.feature]} (scaled to [-1, 1])`;
  } else if (hover && hover.layer) {
    paint(offscreen, mapOf(hover.layer, hover.unit), st.discretize);
    caption = `Neuron ${hover.unit + 1} of ${hover.layer === L ? "the output layer" :
      "hidden layer " + hover.layer}: its activation a[${hover.layer}]`;
  } else if (d.nClasses > 2) {
    const maps = [];
    for (let k = 0; k < d.sizes[L]; k++) maps.push(mapOf(L, k));
    paintClasses(offscreen, maps, st.discretize);
    caption = "Output: the colour of the likeliest class, paler where the network is unsure";
  } else {
    paint(offscreen, mapOf(L, 0), st.discretize);
    caption = d.nClasses ? "Output: blue for class +1, orange for class −1" +
      (st.discretize ? " (threshold 0)" : "") : "Output: the predicted value";
  }
  $("map-caption").textContent = caption;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(offscreen, MAP_X, MAP_Y, MAP_SIZE, MAP_SIZE);
  if (d.oneD && !hover) drawCurve(ctx);
  drawPoints(ctx, S.points.train, "#fff");
  if (st.showTestData) drawPoints(ctx, S.points.test, "#000");
  drawAxes(ctx);
  drawLegend();
}

function toCanvas(x1, x2) {
  const [[xa, xb], [ya, yb]] = S.desc.view;
  return [MAP_X + (x1 - xa) / (xb - xa) * MAP_SIZE, MAP_Y + (yb - x2) / (yb - ya) * MAP_SIZE];
}
function mapToView(event) {
  const rect = $("heatmap").getBoundingClientRect();
  const px = (event.clientX - rect.left) * $("heatmap").width / rect.width;
  const py = (event.clientY - rect.top) * $("heatmap").height / rect.height;
  const [[xa, xb], [ya, yb]] = S.desc.view;
  return [xa + (px - MAP_X) / MAP_SIZE * (xb - xa), yb - (py - MAP_Y) / MAP_SIZE * (yb - ya)];
}

function drawPoints(ctx, part, stroke) {
  ctx.lineWidth = 1; ctx.strokeStyle = stroke;
  part.x1.forEach((x, i) => {
    const [px, py] = toCanvas(x, part.x2[i]);
    if (px < MAP_X || px > MAP_X + MAP_SIZE || py < MAP_Y || py > MAP_Y + MAP_SIZE) return;
    ctx.fillStyle = labelColour(part.label[i]);
    ctx.beginPath(); ctx.arc(px, py, 3, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
  });
}

function drawCurve(ctx) {   // 1-D regression: the prediction as a line over x₁
  const d = S.desc, G = d.grid, row = mapOf(d.sizes.length - 1, 0).subarray(0, G);
  const [[xa, xb]] = d.view;
  ctx.strokeStyle = "#222"; ctx.lineWidth = 2; ctx.beginPath();
  for (let j = 0; j < G; j++) {
    const [px, py] = toCanvas(xa + j / (G - 1) * (xb - xa), (row[j] / 127.5 - 1) * d.outputScale);
    if (j === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
  }
  ctx.stroke();
}

function ticks(a, b) {
  const raw = (b - a) / 6, p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) out.push(+t.toFixed(10));
  return out;
}
function drawAxes(ctx) {
  const [[xa, xb], [ya, yb]] = S.desc.view;
  ctx.fillStyle = "#555"; ctx.strokeStyle = "#999"; ctx.lineWidth = 1;
  ctx.font = "10px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of ticks(xa, xb)) {
    const [px] = toCanvas(t, ya);
    ctx.beginPath(); ctx.moveTo(px, MAP_Y + MAP_SIZE); ctx.lineTo(px, MAP_Y + MAP_SIZE + 4);
    ctx.stroke(); ctx.fillText(String(t), px, MAP_Y + MAP_SIZE + 6);
  }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of ticks(ya, yb)) {
    const [, py] = toCanvas(xa, t);
    ctx.beginPath(); ctx.moveTo(MAP_X - 4, py); ctx.lineTo(MAP_X, py); ctx.stroke();
    ctx.fillText(String(t), MAP_X - 6, py);
  }
  ctx.strokeRect(MAP_X, MAP_Y, MAP_SIZE, MAP_SIZE);
}

function drawLegend() {
  const d = S.desc, bar = $("legend-bar"), ctx = bar.getContext("2d");
  if (d.nClasses > 2) {
    const w = bar.width / d.nClasses;
    for (let k = 0; k < d.nClasses; k++) { ctx.fillStyle = CLASS_COLOURS[k]; ctx.fillRect(k * w, 0, w, bar.height); }
    $("legend-labels").innerHTML = Array.from({length: d.nClasses},
      (_, k) => `<span>class ${k}</span>`).join("");
    return;
  }
  for (let x = 0; x < bar.width; x++) {
    ctx.fillStyle = valueColour(2 * x / (bar.width - 1) - 1); ctx.fillRect(x, 0, 1, bar.height);
  }
  const s = d.outputScale;
  $("legend-labels").innerHTML = `<span>${-s}</span><span>0</span><span>${s}</span>`;
}

// ------------------------------------------------------------------ the loss chart
let chartHover = null;
function drawChart() {
  const canvas = $("loss-chart"), ctx = canvas.getContext("2d"), h = S.history;
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  if (!h.length) return;
  const last = h[h.length - 1].epoch || 1;
  const values = h.flatMap((p) => [p.train, p.test]).filter((v) => v !== null);
  const top = Math.max(...values, 1e-9);
  const sx = (e) => e / last * (W - 2) + 1, sy = (v) => H - 2 - v / top * (H - 6);
  for (const [key, colour] of [["train", "#999"], ["test", "#222"]]) {
    ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.beginPath();
    h.forEach((p, i) => {
      if (p[key] === null) return;
      if (i === 0) ctx.moveTo(sx(p.epoch), sy(p[key])); else ctx.lineTo(sx(p.epoch), sy(p[key]));
    });
    ctx.stroke();
  }
  if (chartHover !== null) {
    ctx.strokeStyle = "#c33"; ctx.lineWidth = 1; ctx.beginPath();
    ctx.moveTo(sx(chartHover.epoch), 0); ctx.lineTo(sx(chartHover.epoch), H); ctx.stroke();
  }
}
function bindChart() {
  const canvas = $("loss-chart"), tip = $("chart-tip");
  canvas.addEventListener("mousemove", (event) => {
    const h = S.history;
    if (!h.length) return;
    const rect = canvas.getBoundingClientRect();
    const epoch = (event.clientX - rect.left) / rect.width * (h[h.length - 1].epoch || 1);
    chartHover = h.reduce((a, b) => Math.abs(b.epoch - epoch) < Math.abs(a.epoch - epoch) ? b : a);
    tip.textContent = `epoch ${chartHover.epoch}: test ${fmt(chartHover.test)}, ` +
      `training ${fmt(chartHover.train)}`;
    tip.hidden = false;
    drawChart();
  });
  canvas.addEventListener("mouseleave", () => { chartHover = null; tip.hidden = true; drawChart(); });
}

// ------------------------------------------------------------------ show the maths
function openExplain(layer, unit) {
  S.explain = {layer, unit};
  $("explain").hidden = false;
  askExplain();
}
function askExplain() {
  if (!S.explain) return;
  const x1 = Number($("explain-x1").value), x2 = Number($("explain-x2").value);
  if (!Number.isFinite(x1) || !Number.isFinite(x2)) {
    showMessage("the point needs two numbers x1 and x2", "error"); return;
  }
  send({type: "explain", layer: S.explain.layer, unit: S.explain.unit, x1, x2});
}
function showExplain(m) {
  const L = S.desc.sizes.length - 1, l = m.layer, i = m.unit + 1;
  $("explain-title").textContent = `neuron ${i} of ${l === L ? "the output layer" :
    "hidden layer " + l} (layer ${l})`;
  const n = (v) => (v < 0 ? "−" : "") + Math.abs(v).toFixed(3);
  const prev = l === 1 ? "the features" : `A[${l - 1}]`;
  const terms = m.w.map((w, j) => `(${n(w)})·(${n(m.a_prev[j])})`).join(" + ");
  const lines = [
    `inputs, ${prev}: ` + m.inputs.map((name, j) => `${name} = ${n(m.a_prev[j])}`).join(", "),
    `z[${l}]_${i} = Σⱼ W[${l}]_${i}ⱼ · a[${l - 1}]ⱼ + b[${l}]_${i}`,
    `        = ${terms} + (${n(m.b)})`,
    `        = ${n(m.z)}`,
  ];
  if (m.activation === "softmax") {
    lines.push(`a[${l}]_${i} = softmax(z[${l}])_${i} = e^z${i} / Σₖ e^zₖ,  z[${l}] = (` +
      m.z_all.map(n).join(", ") + ")");
  } else {
    lines.push(`a[${l}]_${i} = g(z) with ${m.formula}`);
  }
  lines.push(`        = ${n(m.a)}`);
  $("explain-body").textContent = lines.join("\n");
  $("explain-worked").textContent = m.worked;
}

bindControls();
connect();
