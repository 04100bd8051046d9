/* Colours: TensorFlow Playground's orange-grey-blue scale for values on [-1, 1], the class
 * colours, and painting a uint8 map (0 = -1 orange, 128 = 0, 255 = +1 blue) on a canvas. */

export const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca25f", "#8e44ad", "#d62728",
  "#17becf", "#7f7f7f", "#bcbd22"];

export function hexRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const ORANGE = hexRgb("#f59322"), BLUE = hexRgb("#0877bd");
export const GREY = hexRgb("#e8eaeb");
export const LUT = new Uint8Array(256 * 3);   // byte -> rgb on the orange-grey-blue scale
for (let q = 0; q < 256; q++) {
  const v = q / 127.5 - 1, t = Math.min(1, Math.abs(v)), end = v < 0 ? ORANGE : BLUE;
  for (let c = 0; c < 3; c++) LUT[3 * q + c] = Math.round(GREY[c] + t * (end[c] - GREY[c]));
}

export function valueColour(v) {   // a number on [-1, 1] -> css colour
  const q = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
  return `rgb(${LUT[3 * q]},${LUT[3 * q + 1]},${LUT[3 * q + 2]})`;
}

export function labelColour(label, nClasses, outputScale) {
  if (nClasses) return CLASS_COLOURS[label % CLASS_COLOURS.length];
  return valueColour(label / outputScale);
}

export function gridCanvas(grid) {
  const c = document.createElement("canvas");
  c.width = c.height = grid;
  return c;
}

export function paint(canvas, map, discretize = false) {   // one uint8 map onto a G² canvas
  const G = canvas.width, ctx = canvas.getContext("2d"), img = ctx.createImageData(G, G);
  for (let p = 0; p < G * G; p++) {
    const q = discretize ? (map[p] >= 128 ? 255 : 0) : map[p];
    img.data[4 * p] = LUT[3 * q]; img.data[4 * p + 1] = LUT[3 * q + 1];
    img.data[4 * p + 2] = LUT[3 * q + 2]; img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function paintClasses(canvas, maps, discretize) {   // softmax: the likeliest class
  const G = canvas.width, ctx = canvas.getContext("2d"), img = ctx.createImageData(G, G);
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
