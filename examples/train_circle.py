"""Train a 2 → 8 → 8 → 1 tanh network on a noisy circle and print its costs."""

import numpy as np

import glassnet as gn

rng = np.random.default_rng(0)
X = rng.uniform(-6, 6, size=(2, 500))
Y = (np.hypot(X[0], X[1]) < 3.5).astype(float).reshape(1, -1)

net = gn.Network([2, 8, 8, 1], activations="tanh", seed=0)
print(net)
history = net.fit(X, Y, epochs=200, learning_rate=0.01, optimizer="adam", batch_size=10,
                  seed=0, metrics=["accuracy"])
for epoch in (1, 10, 50, 100, 200):
    print(f"epoch {epoch:3d}: cost J = {history.cost[epoch - 1]:.4f}, "
          f"accuracy = {history['accuracy'][epoch - 1]:.3f}")
