/* How numbers and names read on the page. */

export function featureLabel(name) {   // glassnet.datasets' "x1^2" as "x₁²"
  return name.replace(/x1/g, "x₁").replace(/x2/g, "x₂").replace(/\^2/g, "²").replace(/\*/g, "");
}
export const DATASET_TITLES = {circle: "Circle", xor: "Exclusive or", gauss: "Gaussian",
  spiral: "Spiral", moons: "Two moons", spiral3: "Spiral, 3 classes",
  "reg-plane": "Plane", "reg-gauss": "Multi Gaussian", curve: "1-D curve"};
export const CHOICE_NAMES = {none: "None", L1: "L1", L2: "L2",
  classification: "Classification", regression: "Regression",
  glassnet: "glassnet defaults", tensorflow: "TensorFlow Playground", sgd: "SGD",
  momentum: "Momentum", classic_momentum: "Classic momentum", rmsprop: "RMSProp",
  adam: "Adam", relu: "ReLU", tanh: "Tanh", sigmoid: "Sigmoid", linear: "Linear",
  leaky_relu: "Leaky ReLU", elu: "ELU", selu: "SELU", swish: "Swish", mish: "Mish",
  softmax: "Softmax", crossEntropy: "Cross-entropy", squaredError: "½ squared error"};
export const LIMIT_NAMES = {tensorflow: "TensorFlow's", extended: "Extended"};

export function fmt(v, digits = 3) {
  return v === null || v === undefined ? "–" : v.toFixed(digits);
}

export function epochText(n) {   // 000,123 as TensorFlow, then 1,234,567
  if (n >= 1e6) return n.toLocaleString("en-US");
  const s = String(n).padStart(6, "0");
  return s.slice(0, 3) + "," + s.slice(3);
}
