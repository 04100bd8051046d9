/* glassnet playground: the page. It draws what the server sends and sends what the user
 * does; every number (data, weights, maps, losses) is computed by glassnet in Python.
 *
 * This module holds the page's store (what the server last said) and wires the screen
 * components to it: connection.js (the WebSocket), controls.js (settings, thumbnails,
 * messages), network.js (the diagram), heatmap.js (the big map), linechart.js (the loss
 * chart), explain.js (the maths panel), link.js (the URL hash). Messages in: hello,
 * catalog, data, state, error, diverged, explain (JSON) and frames (binary).
 */

import {gridCanvas, paint, paintClasses} from "./colours.js";
import {Connection} from "./connection.js";
import {bindSettings, fillChoices, showHidden, showMessage, showPlaying, showSettings,
  showThumbnails} from "./controls.js";
import {explainPoint, setExplainPoint, showExplain} from "./explain.js";
import {Heatmap, drawLegend} from "./heatmap.js";
import {LossChart} from "./linechart.js";
import {currentLink, onLinkTyped, showLink} from "./link.js";
import {NetworkDiagram} from "./network.js";
import {bindOptions, fillLimits, showOptions, showScores} from "./options.js";
import {epochText, featureLabel, fmt} from "./text.js";

const $ = (id) => document.getElementById(id);

/* What the server last said: the catalog (thumbnails, choices, the input features), the
 * data, the state message and the last frame; the neuron hovered and the one explained. */
const store = {id: null, catalog: null, desc: null, points: null, featureMaps: null,
  frame: null, hover: null, explain: null, layoutKey: "", customMap: null};
let connection = null, finalError = null, retry = 0;
const sent = [];   // the "set" messages not yet acknowledged: [seq, keys]
let seq = 0;

const send = (message) => connection && connection.send(message);
const set = (settings) => {
  seq += 1; sent.push([seq, Object.keys(settings)]);
  send({type: "set", settings, seq});
};

function mapOf(layer, unit) {   // the uint8 map of neuron `unit` of layer `layer` (1…L)
  const G2 = store.desc.grid * store.desc.grid, sizes = store.desc.sizes;
  let k = 0;
  for (let l = 1; l < layer; l++) k += sizes[l];
  return store.frame.maps.subarray((k + unit) * G2, (k + unit + 1) * G2);
}
function featureMap(key) {
  if (key === "custom") return store.customMap;
  const G2 = store.desc.grid * store.desc.grid, i = Object.keys(store.catalog.features).indexOf(key);
  return store.featureMaps.subarray(i * G2, (i + 1) * G2);
}

const heatmap = new Heatmap($("heatmap"));
const chart = new LossChart($("loss-chart"), $("chart-tip"));
const diagram = new NetworkDiagram($("network"), $("links"), $("tip"), $("editor"), {
  set,
  explain: (layer, unit) => {
    store.explain = {layer, unit}; $("explain").hidden = false; askExplain();
    $("explain").scrollIntoView({block: "nearest"});
  },
  hover: (info) => { store.hover = info; drawHeatmap(); },
  edit: (info, value) => send({type: "edit", kind: info.kind, layer: info.layer,
    row: info.row, col: info.col, value}),
  error: (text) => showMessage(text, "error"),
});

// ------------------------------------------------------------------ messages in
function onMessage(m) {
  switch (m.type) {
    case "hello":
      store.id = m.id;
      $("export-data").href = `/api/${m.id}/data.csv`;
      $("export-model").href = `/api/${m.id}/model.npz`;
      $("export-snippet").href = `/api/${m.id}/snippet.py`;
      break;
    case "catalog":
      store.catalog = m; fillChoices(m.choices); fillLimits(m.limits);
      break;
    case "data":
      store.points = m;
      store.featureMaps = Uint8Array.from(atob(m.featureMaps), (ch) => ch.charCodeAt(0));
      store.layoutKey = "";   // feature maps changed: redraw the diagram
      break;
    case "state": onState(m); break;
    case "error":
      if (m.final) finalError = m.message;   // the server closes next: keep its reason
      showMessage(m.message, "error", Boolean(m.final));
      break;
    case "diverged": showMessage(m.message, "warning", true); break;
    case "explain": showExplain(m, store.desc.sizes.length - 1); break;
  }
}

function onFrame(frame) {
  store.frame = frame;
  if (store.desc) { store.desc.playing = frame.header.playing; showPlaying(frame.header.playing); }
  chart.add(frame.header);
  drawFrame();
}

function onState(m) {
  store.desc = m;
  const st = m.state, c = store.catalog;
  while (sent.length && sent[0][0] <= (m.ack || 0)) sent.shift();
  showLink(m.hash);
  showSettings(m, new Set(sent.flatMap(([, keys]) => keys)));
  showOptions(m);
  const classification = st.problem === "classification";
  showThumbnails($("datasets"), classification ? c.choices.dataset : c.choices.regDataset,
    classification ? st.dataset : st.regDataset, c.datasets,
    (name) => set({[classification ? "dataset" : "regDataset"]: name}));
  const key = JSON.stringify([m.sizes, m.features, m.activations, m.nClasses, m.oneD,
    st.networkShape, Object.keys(c.features).map((f) => st[f]), m.customMap, m.loss]);
  if (key !== store.layoutKey && store.featureMaps) {
    store.layoutKey = key;
    const custom = m.customMap !== null;
    store.customMap = custom ? Uint8Array.from(atob(m.customMap), (ch) => ch.charCodeAt(0)) : null;
    diagram.build({desc: m, features: [...Object.keys(c.features), ...(custom ? ["custom"] : [])],
      featureNames: {...c.features, custom: st.customFeature}, usesX2: c.usesX2,
      activations: c.choices.activation, featureMap});
    showHidden(st.hidden);   // the diagram's new elements hide as the link asks
  }
  if (store.frame) drawFrame();
}

// ------------------------------------------------------------------ drawing a frame
function frameFits() {   // the frame was drawn for the network the diagram shows
  const W = store.frame.header.W, sizes = store.desc.sizes;
  return W.length === sizes.length - 1 &&
    W.every((w, l) => w.length === sizes[l + 1] && w[0].length === sizes[l]);
}

function drawFrame() {
  const h = store.frame.header, d = store.desc;
  if (!d || store.layoutKey === "" || !frameFits()) return;
  $("epoch-number").textContent = epochText(h.epoch);
  $("loss-test").textContent = fmt(h.testLoss);
  $("loss-train").textContent = fmt(h.trainLoss);
  const classes = d.nClasses > 0;
  for (const el of document.querySelectorAll(".accuracy")) el.hidden = !classes;
  $("accuracy-test").textContent = classes ? `${(100 * h.testAccuracy).toFixed(1)}%` : "";
  $("accuracy-train").textContent = classes ? `${(100 * h.trainAccuracy).toFixed(1)}%` : "";
  showScores(h, d);
  diagram.update(h, mapOf, d.state.discretize);
  drawHeatmap();
  chart.draw();
}

let offscreen = null;
function drawHeatmap() {   // the output, or the map of the neuron or feature hovered
  if (!store.frame || !store.desc || !frameFits()) return;
  const d = store.desc, st = d.state, L = d.sizes.length - 1, hover = store.hover;
  if (!offscreen || offscreen.width !== d.grid) offscreen = gridCanvas(d.grid);
  let caption;
  if (hover && hover.feature) {
    paint(offscreen, featureMap(hover.feature));
    const name = hover.feature === "custom" ? st.customFeature : store.catalog.features[hover.feature];
    caption = `Input feature ${featureLabel(name)} ` +
      "(scaled to [-1, 1])";
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
  heatmap.draw({image: offscreen, view: d.view, points: store.points,
    showTest: st.showTestData, nClasses: d.nClasses, outputScale: d.outputScale,
    curve: d.oneD && !hover ? mapOf(L, 0).subarray(0, d.grid) : null});
  drawLegend($("legend-bar"), $("legend-labels"), d.nClasses, d.outputScale);
}

// ------------------------------------------------------------------ what the user does
function askExplain() {
  if (!store.explain) return;
  const point = explainPoint();
  if (!point) { showMessage("the point needs two numbers x1 and x2", "error"); return; }
  send({type: "explain", layer: store.explain.layer, unit: store.explain.unit,
    x1: point[0], x2: point[1]});
}

async function uploadFile() {
  const file = $("upload").files[0];
  $("upload").value = "";
  if (!file || !store.id) return;
  const response = await fetch(`/api/${store.id}/upload?name=${encodeURIComponent(file.name)}`,
    {method: "POST", body: file, headers: {"Content-Type": "text/csv"}});
  if (!response.ok) {
    let text = `upload failed (${response.status})`;
    try { text = (await response.json()).error; } catch (e) { /* not JSON */ }
    showMessage(text, "error");
  } else {
    showMessage(`Training on ${file.name} now.`, "info");
  }
}

function bindControls() {
  bindSettings(set);
  bindOptions(set);
  $("play-pause-button").onclick = () =>
    send({type: store.desc && store.desc.playing ? "pause" : "play"});
  $("step-button").onclick = () => send({type: "step"});
  $("reset-button").onclick = () => send({type: "reset"});
  $("new-weights-button").onclick = () => send({type: "newWeights"});
  $("regenerate-button").onclick = () => send({type: "regenerate"});
  $("add-layer").onclick = () => set({networkShape: [...store.desc.state.networkShape, 2]});
  $("remove-layer").onclick = () => set({networkShape: store.desc.state.networkShape.slice(0, -1)});
  $("upload").addEventListener("change", uploadFile);
  $("explain-close").onclick = () => { store.explain = null; $("explain").hidden = true; };
  for (const id of ["explain-x1", "explain-x2"]) $(id).addEventListener("change", askExplain);
  $("heatmap").addEventListener("click", (event) => {
    if (!store.explain) return;
    setExplainPoint(...heatmap.toView(event));
    askExplain();
  });
  onLinkTyped((hash) => send({type: "init", hash}));
}

/* Connect; when the connection is lost, try again with a growing pause (0.5 s … 10 s) and
 * start the session over from the link. A server that closed with its reason (codes
 * 4001-4003: too many tabs, idle) is not retried: the reason stays on screen. */
function open() {
  connection = new Connection({
    onOpen: (c) => {
      if (retry) {
        showMessage("Reconnected: the setup was restored from the link; the training " +
          "(epochs and weights) and any uploaded data were lost.", "warning", true);
      }
      retry = 0;
      c.send({type: "init", hash: currentLink()});
    },
    onMessage, onFrame, onClose,
  });
}
function onClose(event) {
  if (store.desc) store.desc.playing = false;
  showPlaying(false);
  if (finalError !== null || (event.code >= 4001 && event.code <= 4003)) {
    showMessage(finalError || event.reason || "the server closed this tab", "error", true);
    return;
  }
  const wait = Math.min(10000, 500 * 2 ** retry);
  retry += 1;
  showMessage("The connection to the playground server was lost; trying again in " +
    `${(wait / 1000).toFixed(1)} s. Is \`glassnet playground\` still running?`, "error", true);
  setTimeout(open, wait);
}

bindControls();
open();
window.playground = {store, mapOf,   // for the browser tests and the curious
  get connection() { return connection; }};
