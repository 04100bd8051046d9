/* The controls: the drop-downs (filled from the server's choices), the sliders and check
 * boxes bound to settings (`data-setting`), the data-set thumbnails, the classroom
 * `_hide` options, and the message line. Each is handed what it shows. */

import {CLASS_COLOURS, valueColour} from "./colours.js";
import {CHOICE_NAMES, DATASET_TITLES} from "./text.js";

const $ = (id) => document.getElementById(id);
const SELECTS = ["learningRate", "regularizationRate", "activation", "regularization",
  "problem", "optimizer", "recipe", "speed", "loss"];

export function fillChoices(choices) {
  for (const key of SELECTS) {
    const select = $(key);
    select.innerHTML = "";
    for (const v of choices[key]) {
      const option = document.createElement("option");
      option.value = String(v);
      option.textContent = key === "speed" ? (v === 0 ? "as fast as it goes" :
        `${v} epoch${v > 1 ? "s" : ""} / frame`) : (CHOICE_NAMES[v] || String(v));
      select.appendChild(option);
    }
  }
}

export function bindSettings(set) {   // every [data-setting] control sends its value
  for (const el of document.querySelectorAll("[data-setting]")) {
    const key = el.dataset.setting;
    el.addEventListener("change", () => {
      let value = el.type === "checkbox" ? el.checked : el.value;
      if (el.type === "range" || "number" in el.dataset) value = Number(value);
      set({[key]: value});
    });
    if (el.type === "range") {
      el.addEventListener("input", () => { $(key + "-value").textContent = el.value; });
    }
  }
}

/* The controls show the session's state; `pending` holds the settings the page changed
 * that this state does not hold yet (they keep the value the user gave them). */
export function showSettings(desc, pending = new Set()) {
  const st = desc.state;
  for (const el of document.querySelectorAll("[data-setting]")) {
    if (pending.has(el.dataset.setting)) continue;
    const v = st[el.dataset.setting];
    if (el.type === "checkbox") el.checked = v;
    else el.value = String(v);
    if (el.type === "range") $(el.dataset.setting + "-value").textContent = String(v);
  }
  showPlaying(desc.playing);
  document.body.classList.toggle("regression", st.problem === "regression");
  showHidden(st.hidden);
  const n = st.networkShape.length;
  $("num-layers").textContent = n;
  $("layers-plural").textContent = n === 1 ? "" : "s";
  $("add-layer").disabled = n >= desc.limits.layers;
  $("remove-layer").disabled = n <= 0;
}

export function showPlaying(playing) {   // the button always says what the session does
  const button = $("play-pause-button");
  button.classList.toggle("playing", playing);
  button.setAttribute("aria-label", playing ? "Pause training" : "Run training");
}

export function showHidden(hidden) {   // the classroom link's <control>_hide=true options
  for (const el of document.querySelectorAll("[class*='ui-']")) el.classList.remove("hidden");
  for (const control of hidden) {
    for (const el of document.querySelectorAll(".ui-" + control)) el.classList.add("hidden");
  }
}

/* The thumbnails of the current problem type's data sets; `pick(name)` chooses one. */
export function showThumbnails(box, names, current, catalog, pick) {
  const key = names.join() + current;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const refocus = box.contains(document.activeElement) ? document.activeElement.dataset.name : null;
  box.innerHTML = "";
  for (const name of names) {
    const item = document.createElement("button");   // a button: Tab, Enter and Space
    item.type = "button";
    item.className = "dataset" + (name === current ? " selected" : "");
    item.title = DATASET_TITLES[name] || name;
    item.dataset.name = name;
    item.setAttribute("aria-pressed", String(name === current));
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 56;
    drawSample(canvas, catalog[name]);
    item.appendChild(canvas);
    const caption = document.createElement("span");
    caption.textContent = DATASET_TITLES[name] || name;
    item.appendChild(caption);
    item.onclick = () => pick(name);
    box.appendChild(item);
    if (refocus === name) item.focus();   // the new thumbnails keep the keyboard's place
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

let messageTimer = null;
export function showMessage(text, kind = "error", sticky = false) {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
  clearTimeout(messageTimer);
  if (!sticky) messageTimer = setTimeout(() => { box.hidden = true; }, 10000);
}
