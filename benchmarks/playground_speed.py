"""Issue 6, section 3: how fast the playground trains while it streams its frames.

Starts ``glassnet playground`` on a free loopback port, opens its WebSocket as the page
does, keeps the default setup (circle, hidden layers [4, 2] tanh, batch 10) at the
fastest speed, plays for a few seconds and counts: epochs per second (from the frames'
epoch numbers) and frames per second, checking that every frame carries the 100×100 map
of every neuron, the output's included. Run it alone with
``python -m benchmarks.playground_speed``.
"""

import json
import re
import select
import subprocess
import sys
import time

import numpy as np

GOAL_EPOCHS_PER_SECOND = 1000
GOAL_FRAMES_PER_SECOND = 30


def measure(seconds=5.0, link=""):
    """{"epochs_per_second", "frames_per_second", "frames", "map_bytes"} over ``seconds``,
    for the setup of a link (the default one if empty)."""
    from websockets.sync.client import connect

    from glassnet.playground.wire import GRID, unpack

    server = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = _address(server)
        with connect(f"ws://{url}/ws", max_size=2**24) as ws:
            ws.send(json.dumps({"type": "init", "hash": link}))
            ws.send(json.dumps({"type": "set", "settings": {"speed": 0}}))  # 0: fastest
            _drain(ws)
            ws.send(json.dumps({"type": "play"}))
            frames = []  # (time received, epoch, bytes of maps, neurons)
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                try:
                    message = ws.recv(timeout=max(0.01, end - time.perf_counter()))
                except TimeoutError:
                    break
                if isinstance(message, bytes):
                    header, maps = unpack(message)
                    neurons = sum(len(b) for b in header["b"])
                    frames.append((time.perf_counter(), header["epoch"], maps.size, neurons))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if len(frames) < 2:
        raise RuntimeError(f"the playground sent {len(frames)} frame(s) in {seconds} s")
    (t0, e0, _, _), (t1, e1, _, _) = frames[0], frames[-1]
    return {
        "epochs_per_second": (e1 - e0) / (t1 - t0),
        "frames_per_second": (len(frames) - 1) / (t1 - t0),
        "frames": len(frames),
        "full_maps": all(size >= neurons * GRID * GRID for _, _, size, neurons in frames),
        "map_bytes": int(np.median([size for _, _, size, _ in frames])),
    }


def _address(server, timeout=60.0):
    """host:port from the line ``glassnet playground`` prints once it listens."""
    ready, _, _ = select.select([server.stdout], [], [], timeout)
    line = server.stdout.readline() if ready else ""
    found = re.search(r"http://(\S+?)/", line)
    if found is None:
        raise RuntimeError(f"glassnet playground did not start: {line!r}")
    return found.group(1)


def _drain(ws, quiet=0.3):
    """Read what the server sends after init until it has been quiet for ``quiet`` s."""
    try:
        while True:
            ws.recv(timeout=quiet)
    except TimeoutError:
        pass


def report(r):
    print(f"playground (circle, [4, 2] tanh, batch 10, fastest speed) over a WebSocket: "
          f"{r['epochs_per_second']:,.0f} epochs/s (goal ≥ {GOAL_EPOCHS_PER_SECOND}), "
          f"{r['frames_per_second']:.1f} frames/s (goal ≥ {GOAL_FRAMES_PER_SECOND}), "
          f"{r['map_bytes']:,} bytes of maps per frame"
          f"{'' if r['full_maps'] else ' (SOME FRAMES LACKED MAPS)'}")


def limits_cost(seconds=5.0):
    """What the network size limits cost: frames of the largest network each allows."""
    for name, link in [("TensorFlow's largest, [8] × 6", "networkShape=8,8,8,8,8,8"),
                       ("extended's largest, [16] × 10",
                        "limits=extended&networkShape=" + ",".join(["16"] * 10))]:
        r = measure(seconds, link)
        print(f"{name}: {r['epochs_per_second']:,.0f} epochs/s, "
              f"{r['frames_per_second']:.1f} frames/s, {r['map_bytes']:,} bytes of maps "
              "per frame")


if __name__ == "__main__":
    report(measure())
    if "--limits" in sys.argv:
        limits_cost()
