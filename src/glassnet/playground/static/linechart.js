/* The loss chart: the training and test loss of every frame, over the epochs. Handed the
 * canvas and its tip; `add` takes a frame's header, `draw` redraws. */

import {fmt} from "./text.js";

export class LossChart {
  constructor(canvas, tip) {
    this.canvas = canvas; this.tip = tip; this.history = []; this.hover = null;
    canvas.addEventListener("mousemove", (event) => this.onMove(event));
    canvas.addEventListener("mouseleave", () => {
      this.hover = null; tip.hidden = true; this.draw();
    });
  }

  add(header) {   // a frame's losses; an earlier epoch than the last starts over
    const h = this.history, last = h[h.length - 1];
    if (!last || header.epoch < last.epoch) h.length = 0;
    const point = {epoch: header.epoch, train: header.trainLoss, test: header.testLoss};
    if (h.length && h[h.length - 1].epoch === header.epoch) h[h.length - 1] = point;
    else h.push(point);
    if (h.length > 4000) this.history = h.filter((_, i) => i % 2 === 0 || i === h.length - 1);
  }

  draw() {
    const canvas = this.canvas, ctx = canvas.getContext("2d"), h = this.history;
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
    if (this.hover !== null) {
      ctx.strokeStyle = "#c33"; ctx.lineWidth = 1; ctx.beginPath();
      ctx.moveTo(sx(this.hover.epoch), 0); ctx.lineTo(sx(this.hover.epoch), H); ctx.stroke();
    }
  }

  onMove(event) {
    const h = this.history;
    if (!h.length) return;
    const rect = this.canvas.getBoundingClientRect();
    const epoch = (event.clientX - rect.left) / rect.width * (h[h.length - 1].epoch || 1);
    this.hover = h.reduce((a, b) => Math.abs(b.epoch - epoch) < Math.abs(a.epoch - epoch) ? b : a);
    this.tip.textContent = `epoch ${this.hover.epoch}: test ${fmt(this.hover.test)}, ` +
      `training ${fmt(this.hover.train)}`;
    this.tip.hidden = false;
    this.draw();
  }
}
