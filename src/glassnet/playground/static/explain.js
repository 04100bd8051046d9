/* The maths panel: a neuron's forward pass at a point and its backward pass in the last
 * training step, with their numbers. `show` is handed the server's "explain" message and
 * the number of layers L. */

const $ = (id) => document.getElementById(id);

export function showExplain(m, L) {
  const l = m.layer, i = m.unit + 1;
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
  lines.push(`        = ${n(m.a)}`, "", ...backwardLines(m.backward, l, i));
  $("explain-body").textContent = lines.join("\n");
  $("explain-worked").textContent = m.worked;
}

/* The neuron's backward pass in the last step: dA, dZ on each example k of its minibatch,
 * its row of dW and its db (the server sends the network's own numbers). */
function backwardLines(b, l, i) {
  if (!b) return ["backward pass: none yet (press Step or Play to train)"];
  const g = (v) => v === null ? "–" : (v < 0 ? "−" : "") + Math.abs(v).toPrecision(4);
  const list = (values) => "(" + values.map(g).join(", ") + ")";
  const lines = [`backward pass of the last training step, on its minibatch of m = ${b.m} ` +
    "examples k = 1…m:"];
  if (b.dA === null) {
    lines.push(`dZ[${l}]_${i} = a[${l}]_${i} − y_${i} (the loss and output together)`);
  } else {
    lines.push(`dA[${l}]_${i} = ∂L/∂a[${l}]_${i} = ${list(b.dA)}`,
      `dZ[${l}]_${i} = dA[${l}]_${i} · g′(z[${l}]_${i})`);
  }
  lines.push(`        = ${list(b.dZ)}`,
    `dW[${l}]_${i}ⱼ = (1/m) Σₖ dZ[${l}]_${i}ₖ · a[${l - 1}]ⱼₖ` +
      (b.penalty ? " + the regularization's term" : ""),
    `        = ${list(b.dW)}  (j = 1…${b.dW.length})`,
    `db[${l}]_${i} = (1/m) Σₖ dZ[${l}]_${i}ₖ = ${g(b.db)}`);
  return lines;
}

/* The point the panel explains, read from its two inputs (null if not two numbers). */
export function explainPoint() {
  const x1 = Number($("explain-x1").value), x2 = Number($("explain-x2").value);
  return Number.isFinite(x1) && Number.isFinite(x2) ? [x1, x2] : null;
}

export function setExplainPoint(x1, x2) {
  $("explain-x1").value = x1.toFixed(2); $("explain-x2").value = x2.toFixed(2);
}
