"""Issue 6, section 3: how fast the playground trains while it streams its frames.

Starts ``glassnet playground`` on a free loopback port, opens its WebSocket as the page
does, keeps the default setup (circle, hidden layers [4, 2] tanh, batch 10) at the
fastest speed, plays for a few seconds and counts: epochs per second (from the frames'
epoch numbers), frames per second and bytes per second, checking that every frame carries
every neuron's small map and the output's 100×100 map (``playground.wire``). The count
starts after a lead-in of play (``--lead-in S``, 3 s by default), by which time the server
has loaded the compiled engine it warms at start (NumPy's engine trains until then). Run
it alone with ``python -m benchmarks.playground_speed``.
"""

import json
import math
import re
import select
import subprocess
import sys
import time

import numpy as np

GOAL_EPOCHS_PER_SECOND = 1000
GOAL_FRAMES_PER_SECOND = 30
GOAL_BYTES_PER_SECOND = 300_000  #: the default network's frames, per tab (issue 11)
GOAL_LARGEST_FRAMES_PER_SECOND = 25  #: the largest network's (issue 11)
LEAD_IN_SECONDS = 3.0  #: of play before the count starts
#: issue 15's "before": the epochs per second this benchmark measured while streaming
#: (the default network, the largest) on main at fe5ccda (the playground on NumPy's
#: engine, before this issue's work on the per-epoch overhead), 2026-12-03, ``--threads
#: 1``, on the shared 2-core machine at a load average of 11–15: low figures, to compare
#: with one measured under such load
BEFORE_EPOCHS_PER_SECOND = 79
BEFORE_LARGEST_EPOCHS_PER_SECOND = 20
#: the largest network the page allows: 6 hidden layers of 8 neurons on all 7 features
LARGEST = ("networkShape=8,8,8,8,8,8&x=true&y=true&xSquared=true&ySquared=true"
           "&xTimesY=true&sinX=true&sinY=true")


def measure(seconds=5.0, link="", lead_in=LEAD_IN_SECONDS):
    """{"epochs_per_second", "frames_per_second", "frames", "full_maps", "map_bytes",
    "bytes_per_second"} over ``seconds``, after ``lead_in`` seconds of play."""
    from websockets.sync.client import connect

    from glassnet.playground.wire import GRID, THUMB, Decoder

    server = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = _address(server)
        with connect(f"ws://{url}/ws", max_size=2**24) as ws:
            ws.send(json.dumps({"type": "init", "hash": link}))
            ws.send(json.dumps({"type": "set", "settings": {"speed": 0}}))  # 0: fastest
            decoder = Decoder()
            _drain(ws, decoder)
            ws.send(json.dumps({"type": "play"}))
            _drain(ws, decoder, quiet=lead_in, until=time.perf_counter() + lead_in)
            frames = []  # (time received, epoch, bytes of maps, bytes they need, bytes sent)
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                try:
                    message = ws.recv(timeout=max(0.01, end - time.perf_counter()))
                except TimeoutError:
                    break
                if isinstance(message, bytes):
                    header, maps = decoder.decode(message)
                    sizes = [len(b) for b in header["b"]]
                    need = sum(sizes) * THUMB * THUMB + sizes[-1] * GRID * GRID
                    frames.append((time.perf_counter(), header["epoch"], maps.size, need,
                                   len(message)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if len(frames) < 2:
        raise RuntimeError(f"the playground sent {len(frames)} frame(s) in {seconds} s")
    (t0, e0, *_), (t1, e1, *_) = frames[0], frames[-1]
    return {
        "epochs_per_second": (e1 - e0) / (t1 - t0),
        "frames_per_second": (len(frames) - 1) / (t1 - t0),
        "frames": len(frames),
        "full_maps": all(size == need for _, _, size, need, _ in frames),
        "map_bytes": int(np.median([size for _, _, size, _, _ in frames])),
        "bytes_per_second": sum(sent for *_, sent in frames[1:]) / (t1 - t0),
    }


def _address(server, timeout=60.0):
    """host:port from the line ``glassnet playground`` prints once it listens."""
    ready, _, _ = select.select([server.stdout], [], [], timeout)
    line = server.stdout.readline() if ready else ""
    found = re.search(r"http://(\S+?)/", line)
    if found is None:
        raise RuntimeError(f"glassnet playground did not start: {line!r}")
    return found.group(1)


def _drain(ws, decoder, quiet=0.3, until=math.inf):
    """Read what the server sends until it has been quiet for ``quiet`` s or the clock
    passes ``until`` (its frames through ``decoder``: later frames are changes to them)."""
    try:
        while time.perf_counter() < until:
            message = ws.recv(timeout=max(0.01, min(quiet, until - time.perf_counter())))
            if isinstance(message, bytes):
                decoder.decode(message)
    except TimeoutError:
        pass


def report(r, setup="circle, [4, 2] tanh, batch 10", before=BEFORE_EPOCHS_PER_SECOND):
    print(f"playground ({setup}, fastest speed) over a WebSocket: "
          f"{r['epochs_per_second']:,.0f} epochs/s (goal ≥ {GOAL_EPOCHS_PER_SECOND}; "
          f"before issue 15: {before:,} under load), "
          f"{r['frames_per_second']:.1f} frames/s (goal ≥ {GOAL_FRAMES_PER_SECOND}), "
          f"{r['map_bytes']:,} bytes of maps per frame, "
          f"{r['bytes_per_second'] / 1000:,.0f} KB/s sent"
          f"{'' if r['full_maps'] else ' (SOME FRAMES LACKED MAPS)'}")


def limits_cost(seconds=5.0, lead_in=LEAD_IN_SECONDS):
    """What the network size limits cost: frames of the largest network each allows."""
    for name, link in [("TensorFlow's largest, [8] × 6", "networkShape=8,8,8,8,8,8"),
                       ("extended's largest, [16] × 10",
                        "limits=extended&networkShape=" + ",".join(["16"] * 10))]:
        r = measure(seconds, link, lead_in)
        print(f"{name}: {r['epochs_per_second']:,.0f} epochs/s, "
              f"{r['frames_per_second']:.1f} frames/s, {r['map_bytes']:,} bytes of maps "
              "per frame")


if __name__ == "__main__":
    lead = (float(sys.argv[sys.argv.index("--lead-in") + 1]) if "--lead-in" in sys.argv
            else LEAD_IN_SECONDS)
    report(measure(lead_in=lead))
    report(measure(link=LARGEST, lead_in=lead), "circle, 6 × 8 tanh on 7 features",
           BEFORE_LARGEST_EPOCHS_PER_SECOND)
    if "--limits" in sys.argv:
        limits_cost(lead_in=lead)
