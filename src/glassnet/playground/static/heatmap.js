/* The big map: a picture of grid × grid pixels over the view, the data points on it,
 * axes with ticks, and the 1-D curve of a regression on one input. Handed its canvas;
 * `draw` is handed what it draws. */

import {CLASS_COLOURS, labelColour, valueColour} from "./colours.js";

export const MAP_X = 34, MAP_Y = 8, MAP_SIZE = 300;   // the map inside its canvas

function ticks(a, b) {
  const raw = (b - a) / 6, p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) out.push(+t.toFixed(10));
  return out;
}

export class Heatmap {
  constructor(canvas) {
    this.canvas = canvas; this.view = [[-6, 6], [-6, 6]]; this.axes = {key: null, canvas: null};
  }

  toCanvas(x1, x2) {
    const [[xa, xb], [ya, yb]] = this.view;
    return [MAP_X + (x1 - xa) / (xb - xa) * MAP_SIZE, MAP_Y + (yb - x2) / (yb - ya) * MAP_SIZE];
  }

  toView(event) {   // the point (x1, x2) of the view under the mouse
    const rect = this.canvas.getBoundingClientRect();
    const px = (event.clientX - rect.left) * this.canvas.width / rect.width;
    const py = (event.clientY - rect.top) * this.canvas.height / rect.height;
    const [[xa, xb], [ya, yb]] = this.view;
    return [xa + (px - MAP_X) / MAP_SIZE * (xb - xa), yb - (py - MAP_Y) / MAP_SIZE * (yb - ya)];
  }

  /* picture: {image (a canvas), view, points {train, test}, showTest, nClasses,
   * outputScale, curve (the output's top row of bytes, for 1-D data) or null} */
  draw(picture) {
    this.view = picture.view;
    const ctx = this.canvas.getContext("2d");
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = 160 / 255;   // translucent under the points, as TensorFlow draws it
    ctx.drawImage(picture.image, MAP_X, MAP_Y, MAP_SIZE, MAP_SIZE);
    ctx.globalAlpha = 1;
    if (picture.curve) this.drawCurve(ctx, picture.curve, picture.outputScale);
    const colour = (label) => labelColour(label, picture.nClasses, picture.outputScale);
    this.drawPoints(ctx, picture.points.train, "#fff", colour);
    if (picture.showTest) this.drawPoints(ctx, picture.points.test, "#000", colour);
    ctx.drawImage(this.axesOf(picture.view), 0, 0);
  }

  axesOf(view) {   // the axes of a view, drawn once (text is slow to draw every frame)
    const key = JSON.stringify(view);
    if (this.axes.key !== key) {
      const canvas = document.createElement("canvas");
      canvas.width = this.canvas.width; canvas.height = this.canvas.height;
      this.drawAxes(canvas.getContext("2d"));
      this.axes = {key, canvas};
    }
    return this.axes.canvas;
  }

  drawPoints(ctx, part, stroke, colour) {
    ctx.lineWidth = 1; ctx.strokeStyle = stroke;
    part.x1.forEach((x, i) => {
      const [px, py] = this.toCanvas(x, part.x2[i]);
      if (px < MAP_X || px > MAP_X + MAP_SIZE || py < MAP_Y || py > MAP_Y + MAP_SIZE) return;
      ctx.fillStyle = colour(part.label[i]);
      ctx.beginPath(); ctx.arc(px, py, 3, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    });
  }

  drawCurve(ctx, row, outputScale) {   // 1-D regression: the prediction as a line over x₁
    const G = row.length, [[xa, xb]] = this.view;
    ctx.strokeStyle = "#222"; ctx.lineWidth = 2; ctx.beginPath();
    for (let j = 0; j < G; j++) {
      const [px, py] = this.toCanvas(xa + j / (G - 1) * (xb - xa), (row[j] / 127.5 - 1) * outputScale);
      if (j === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }

  drawAxes(ctx) {
    const [[xa, xb], [ya, yb]] = this.view;
    ctx.fillStyle = "#555"; ctx.strokeStyle = "#999"; ctx.lineWidth = 1;
    ctx.font = "10px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const t of ticks(xa, xb)) {
      const [px] = this.toCanvas(t, ya);
      ctx.beginPath(); ctx.moveTo(px, MAP_Y + MAP_SIZE); ctx.lineTo(px, MAP_Y + MAP_SIZE + 4);
      ctx.stroke(); ctx.fillText(String(t), px, MAP_Y + MAP_SIZE + 6);
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const t of ticks(ya, yb)) {
      const [, py] = this.toCanvas(xa, t);
      ctx.beginPath(); ctx.moveTo(MAP_X - 4, py); ctx.lineTo(MAP_X, py); ctx.stroke();
      ctx.fillText(String(t), MAP_X - 6, py);
    }
    ctx.strokeRect(MAP_X, MAP_Y, MAP_SIZE, MAP_SIZE);
  }
}

export function drawLegend(bar, labels, nClasses, outputScale) {   // the colour scale
  const key = `${nClasses} ${outputScale}`;
  if (bar.dataset.key === key) return;   // drawn already
  bar.dataset.key = key;
  const ctx = bar.getContext("2d");
  if (nClasses > 2) {
    const w = bar.width / nClasses;
    for (let k = 0; k < nClasses; k++) {
      ctx.fillStyle = CLASS_COLOURS[k]; ctx.fillRect(k * w, 0, w, bar.height);
    }
    labels.innerHTML = Array.from({length: nClasses}, (_, k) => `<span>class ${k}</span>`).join("");
    return;
  }
  for (let x = 0; x < bar.width; x++) {
    ctx.fillStyle = valueColour(2 * x / (bar.width - 1) - 1); ctx.fillRect(x, 0, 1, bar.height);
  }
  labels.innerHTML = `<span>${-outputScale}</span><span>0</span><span>${outputScale}</span>`;
}
