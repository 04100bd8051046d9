/* The options of issue 16 beside TensorFlow Playground's controls: the stop conditions and
 * what stopped the training, the loss of a classification, the network's size limits, the
 * custom input feature (a formula the server parses; never run here), and R² beside the
 * losses of a regression. `bindOptions` is handed `set`; `showOptions` each state message,
 * `showScores` each frame's header. The [data-setting] controls among them are bound and
 * shown by controls.js, as the others. */

import {LIMIT_NAMES, fmt} from "./text.js";

const $ = (id) => document.getElementById(id);
let shownFormula = null;   // the custom feature of the last state shown

export function fillLimits(limits) {   // the catalog's {name: [layers, neurons]}
  const select = $("limits");
  select.innerHTML = "";
  for (const [name, [layers, neurons]] of Object.entries(limits)) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = `${LIMIT_NAMES[name] || name}: ${layers} layers, ${neurons} neurons`;
    select.appendChild(option);
  }
}

export function bindOptions(set) {
  const input = $("customFeature");
  input.addEventListener("change", () => set({customFeature: input.value.trim()}));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") set({customFeature: input.value.trim()});
  });
}

/* The input keeps what the user typed while the state's formula is unchanged (a refused
 * formula stays there to be corrected); a new state formula (a link, a reset) replaces it. */
export function showOptions(desc) {
  const st = desc.state, input = $("customFeature");
  if (st.customFeature !== shownFormula) {
    input.value = st.customFeature;
    shownFormula = st.customFeature;
  }
  const classes = desc.nClasses > 0, tensorflow = st.recipe === "tensorflow";
  const loss = $("loss");
  loss.disabled = !classes || tensorflow;
  loss.title = !classes ? "a regression always uses ½ squared error" : tensorflow ?
    "TensorFlow Playground's recipe uses ½ squared error" : "the output layer's loss";
  $("stopScore-name").textContent = classes ? "accuracy" : "R²";
}

export function showScores(header, desc) {
  const regression = desc.nClasses === 0;
  for (const el of document.querySelectorAll(".r2")) el.hidden = !regression;
  $("r2-test").textContent = regression ? fmt(header.testR2) : "";
  $("r2-train").textContent = regression ? fmt(header.trainR2) : "";
  $("stopped").textContent = header.stopped ? `Training ${header.stopped}.` : "";
}
