/* The network diagram: the input features, each layer's neurons with their small maps,
 * the weight lines, the bias squares, the per-layer controls, and the weight editor.
 * `build` is handed the layout (the state message, the feature maps, the choices);
 * `update` is handed each frame. What the user does goes to the `actions` it was given. */

import {gridCanvas, paint, valueColour} from "./colours.js";
import {CHOICE_NAMES, featureLabel} from "./text.js";

const NODE = 36;        // neuron box size in px
const ROW = 48;         // vertical distance between neurons
const TOP = 64;         // room above the first neuron for the layer controls
const SVG = "http://www.w3.org/2000/svg";

function svgEl(name, attrs) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/* A part of the diagram the keyboard reaches: a Tab stop named `name` for screen readers,
 * that Enter or Space `activate`s as a click does. `key` finds it again after a rebuild. */
function keyboard(el, key, name, activate, role = "button") {
  el.setAttribute("tabindex", "0");
  el.setAttribute("role", role);
  el.setAttribute("aria-label", name);
  el.dataset.key = key;
  el.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); activate(event); }
  });
}

function pagePoint(el) {   // the page coordinates of an element's centre
  const r = el.getBoundingClientRect();
  return {pageX: r.left + r.width / 2 + window.scrollX, pageY: r.top + r.height / 2 + window.scrollY};
}

export class NetworkDiagram {
  /* actions: {set(settings), explain(layer, unit), hover(info or null), edit(info, value),
   * error(text)} */
  constructor(box, svg, tip, editor, actions) {
    Object.assign(this, {box, svg, tip, editor, actions});
    this.nodes = []; this.links = []; this.biases = []; this.header = null; this.editing = null;
    this.bindEditor();
  }

  /* layout: {desc (the state message), featureMaps(key) -> bytes, features (the keys of
   * the seven inputs, in order), usesX2, activations (the choices)} */
  build(layout) {
    const {desc: m, features, usesX2} = layout, st = m.state, box = this.box;
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    for (const el of box.querySelectorAll(".node, .layer-head, .feature-label")) el.remove();
    this.svg.innerHTML = "";
    this.nodes = []; this.links = []; this.biases = [];
    const shape = st.networkShape, L = shape.length + 1;
    const x0 = 70, COLUMN = 72;   // a narrow screen scrolls the diagram, not the page
    const width = Math.max(box.clientWidth || 600, x0 + NODE + 20 + L * COLUMN);
    const gap = (width - x0 - NODE - 20) / L;
    const columnX = (c) => x0 + c * gap;     // c = 0 features, 1…L layers
    const tallest = Math.max(features.length, ...shape, m.sizes[m.sizes.length - 1]);
    box.style.height = `${TOP + tallest * ROW + 10}px`;
    this.svg.setAttribute("width", width); this.svg.setAttribute("height", TOP + tallest * ROW + 10);

    // column 0: all seven features, the chosen ones feed the network
    const sources = [];
    features.forEach((key, i) => {
      const active = m.features.includes(key);
      const disabled = m.oneD && usesX2.includes(key);
      const label = featureLabel(layout.featureNames[key]);
      const node = this.addNode(columnX(0), TOP + i * ROW, m.grid, "feature" +
        (active ? " active" : "") + (disabled ? " disabled" : ""), {feature: key, label});
      paint(node.canvas, layout.featureMap(key));
      node.el.classList.add("ui-features", "ui-" + key);   // hideable, as its label
      node.el.title = disabled ? "this data set has one input, x₁" : key === "custom" ?
        `${label}: your own feature; click to edit its formula` :
        `${label}: click to ${active ? "stop feeding it in" : "feed it in"}`;
      node.el.onclick = () => {
        if (key === "custom") document.getElementById("customFeature").focus();
        else if (!disabled) this.actions.set({[key]: !st[key]});
      };
      keyboard(node.el, `feature:${key}`, `feature ${label}`, node.el.onclick, "checkbox");
      node.el.setAttribute("aria-checked", String(active));
      if (disabled) node.el.setAttribute("aria-disabled", "true");
      const text = document.createElement("div");
      text.className = "feature-label ui-features" + (key === "custom" ? " custom" : "");
      text.textContent = label;
      text.style.left = `${columnX(0) - 62}px`; text.style.top = `${TOP + i * ROW + 10}px`;
      box.appendChild(text);
      if (active) sources.push({x: columnX(0) + NODE, y: TOP + i * ROW + NODE / 2});
    });

    // columns 1…L: hidden layers, then the output layer
    let previous = sources;
    for (let l = 1; l <= L; l++) {
      const units = m.sizes[l], output = l === L, here = [];
      if (!output) this.addLayerHead(l, columnX(l) - 14, st, m.limits, layout.activations);
      else this.addOutputHead(columnX(l) - 14, m);
      for (let i = 0; i < units; i++) {
        const x = columnX(l), y = TOP + i * ROW;
        const node = this.addNode(x, y, m.grid, output ? "neuron output" : "neuron",
          {layer: l, unit: i});
        here.push({x: x + NODE, y: y + NODE / 2});
        previous.forEach((src, j) => this.addLink(src, {x, y: y + NODE / 2}, l, i, j));
        this.addBias(x - 10, y + NODE - 8, l, i);
        node.el.onclick = () => this.actions.explain(l, i);
        keyboard(node.el, `neuron:${l}:${i}`, `neuron ${i + 1} of ${output ? "the output layer" :
          "hidden layer " + l}: show its maths`, node.el.onclick);
      }
      previous = here;
    }
    box.appendChild(this.svg);   // Tab order: features and neurons first, then the weights
    const again = focused && box.querySelector(`[data-key="${focused}"]`);
    if (again) again.focus();   // the keyboard's place survives the rebuild
  }

  /* A frame: each neuron's map (mapOf(layer, unit) -> bytes), the weights and biases. */
  update(header, mapOf, discretize) {
    this.header = header;
    for (const node of this.nodes) {
      if (node.layer) paint(node.canvas, mapOf(node.layer, node.unit), discretize);
    }
    for (const link of this.links) {
      const w = this.value(link);
      link.line.setAttribute("stroke", valueColour(Math.max(-1, Math.min(1, w))));
      link.line.setAttribute("stroke-width", Math.min(10, 1 + 9 * Math.abs(w) / 5));
    }
    for (const bias of this.biases) bias.rect.setAttribute("fill", valueColour(this.value(bias)));
  }

  addNode(x, y, grid, cls, info) {
    const el = document.createElement("div");
    el.className = "node " + cls;
    el.style.left = `${x}px`; el.style.top = `${y}px`;
    const canvas = gridCanvas(grid);
    el.appendChild(canvas);
    this.box.appendChild(el);
    for (const on of ["mouseenter", "focus"]) el.addEventListener(on, () => this.actions.hover(info));
    for (const off of ["mouseleave", "blur"]) el.addEventListener(off, () => this.actions.hover(null));
    const node = {el, canvas, ...info};
    this.nodes.push(node);
    return node;
  }

  addLayerHead(l, x, st, limits, activations) {
    const i = l - 1, head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = `${x}px`;
    head.innerHTML = `<div class="ui-numHiddenLayers ui-numNodes${l}">` +
      `<button class="round small" aria-label="add a neuron to hidden layer ${l}">+</button>` +
      `<button class="round small" aria-label="remove a neuron from hidden layer ${l}">` +
      `&minus;</button></div>` +
      `<div class="count">${st.networkShape[i]} neuron${st.networkShape[i] > 1 ? "s" : ""}</div>`;
    const [plus, minus] = head.querySelectorAll("button");
    plus.dataset.key = `plus:${l}`; minus.dataset.key = `minus:${l}`;
    plus.disabled = st.networkShape[i] >= limits.neurons;
    minus.disabled = st.networkShape[i] <= 1;
    const change = (d) => {
      const shape = [...st.networkShape]; shape[i] += d; this.actions.set({networkShape: shape});
    };
    plus.onclick = () => change(1);
    minus.onclick = () => change(-1);
    const select = document.createElement("select");
    select.className = "layer-activation ui-activation";
    select.title = `activation g[${l}] of hidden layer ${l}`;
    select.setAttribute("aria-label", select.title);
    select.dataset.key = `activation:${l}`;
    for (const g of activations) {
      const option = document.createElement("option");
      option.value = g; option.textContent = CHOICE_NAMES[g] || g;
      select.appendChild(option);
    }
    select.value = st.activations[i];
    select.onchange = () => {
      const acts = [...st.activations]; acts[i] = select.value;
      this.actions.set({activations: acts});
    };
    head.appendChild(select);
    this.box.appendChild(head);
  }

  addOutputHead(x, m) {
    const head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = `${x}px`;
    const g = m.activations[m.activations.length - 1];
    const loss = {binary_cross_entropy: "cross-entropy", categorical_cross_entropy:
      "cross-entropy", half_squared_error: "½ squared error"}[m.loss] || m.loss;
    head.innerHTML = `<div class="count">output</div><div class="hint">${g}</div>` +
      `<div class="hint">${loss}</div>`;
    this.box.appendChild(head);
  }

  addLink(a, b, layer, row, col) {
    const mid = (a.x + b.x) / 2;
    const d = `M${a.x},${a.y} C${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}`;
    const line = svgEl("path", {d, class: "link"});
    const hit = svgEl("path", {d, class: "link-hit"});
    const info = {kind: "W", layer, row, col, line};
    this.bindParameter(hit, info);
    this.svg.appendChild(line); this.svg.appendChild(hit);
    this.links.push(info);
  }

  addBias(x, y, layer, row) {
    const rect = svgEl("rect", {x, y, width: 8, height: 8, class: "bias"});
    const info = {kind: "b", layer, row, col: 0, rect};
    this.bindParameter(rect, info);
    this.svg.appendChild(rect);
    this.biases.push(info);
  }

  bindParameter(el, info) {
    info.el = el;
    el.addEventListener("mousemove", (e) => this.showTip(e, this.text(info)));
    el.addEventListener("focus", () => this.showTip(pagePoint(el), this.text(info)));
    for (const off of ["mouseleave", "blur"]) el.addEventListener(off, () => { this.tip.hidden = true; });
    el.addEventListener("click", (e) => this.openEditor(e, info));
    keyboard(el, `${info.kind}:${info.layer}:${info.row}:${info.col}`,
      this.name(info) + ": edit", () => this.openEditor(pagePoint(el), info));
  }

  value(info) {
    const h = this.header;
    return info.kind === "W" ? h.W[info.layer - 1][info.row][info.col] : h.b[info.layer - 1][info.row];
  }

  name(info) {
    return info.kind === "W" ? `W[${info.layer}] row ${info.row + 1}, column ${info.col + 1}`
      : `b[${info.layer}] row ${info.row + 1}`;
  }

  text(info) {
    return `${this.name(info)} = ${this.header ? this.value(info).toFixed(4) : "?"}`;
  }

  showTip(event, text) {
    const tip = this.tip;
    tip.textContent = text; tip.hidden = false;
    tip.style.left = `${event.pageX + 12}px`; tip.style.top = `${event.pageY + 12}px`;
  }

  openEditor(event, info) {
    if (!this.header) return;
    this.editing = info;
    const box = this.editor, input = box.querySelector("input");
    box.querySelector("label").textContent = (info.kind === "W" ? `W[${info.layer}]` :
      `b[${info.layer}]`) + (info.kind === "W" ? ` ${info.row + 1},${info.col + 1}` :
      ` ${info.row + 1}`) + " = ";
    input.value = this.value(info).toFixed(4);
    box.style.left = `${event.pageX}px`; box.style.top = `${event.pageY}px`;
    box.hidden = false;
    input.focus(); input.select();
  }

  bindEditor() {
    const box = this.editor, input = box.querySelector("input");
    const close = () => {   // back to the weight or bias it edited, for the keyboard
      const from = this.editing && this.editing.el;
      box.hidden = true; this.editing = null;
      if (from && from.isConnected) from.focus();
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && this.editing) {
        const value = Number(input.value);
        if (input.value.trim() === "" || !Number.isFinite(value)) {
          this.actions.error("type a number, e.g. 0.5"); return;
        }
        this.actions.edit(this.editing, value);
        close();
      } else if (e.key === "Escape") close();
    });
    input.addEventListener("blur", () => setTimeout(() => {   // unless it opened again since
      if (document.activeElement !== input) { box.hidden = true; this.editing = null; }
    }, 150));
  }
}
