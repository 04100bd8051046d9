"""Hostile input to the playground: fuzzed messages and uploads, refused one by one.

Every message type is fuzzed (Hypothesis: random JSON, wrong types, missing fields,
out-of-range and non-finite numbers, enormous shapes, truncated text) and sent through the
server's own message handler (``Tab.handle``); every upload is fuzzed through the session's
CSV reader. Each case must end in one of two ways: carried out, or refused with an error
message to that client; never the handler's "internal error" (an exception nobody
expected), never a NumPy warning, never a number the page cannot parse (NaN or Infinity in
JSON). After each case the session must still be whole: valid settings, a network within
the limits, a frame to draw; after a refusal, exactly as it was.

A hand-picked list then goes through the real routes (WebSocket and HTTP upload, Starlette's
TestClient), all on one connection, which must keep training at the end.

Cases are counted per area; ``test_robust_case_counts`` prints them (run with ``-s``).
``GLASSNET_FUZZ_EXAMPLES`` sets the number of Hypothesis examples per test (default 150).
"""

import asyncio
import json
import os
import pickle
import queue
import threading
import warnings
from urllib.parse import urlencode

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet.errors import DivergenceError, GlassnetError
from glassnet.playground import protocol
from glassnet.playground.server import Tab, create_app
from glassnet.playground.session import Session
from glassnet.playground.wire import unpack

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note that it prefers httpx2 to httpx
    from starlette.testclient import TestClient

EXAMPLES = int(os.environ.get("GLASSNET_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
CASES = {"messages": 0, "uploads": 0, "hand-picked messages": 0, "hand-picked uploads": 0}


# ====================================================================== a tab without a network
def strict_json(text):
    """Parse JSON as a browser does: NaN and Infinity are not JSON."""
    def refuse(constant):
        raise AssertionError(f"the server sent {constant}, which JSON.parse cannot read")
    return json.loads(text, parse_constant=refuse)


class RecordingSocket:
    """Stands in for the WebSocket: keeps what the server sends, checked as the page would."""

    def __init__(self):
        self.sent = []

    async def send_text(self, text):
        self.sent.append(strict_json(text))

    async def send_bytes(self, frame):
        header, maps = unpack(frame)
        strict_json(json.dumps(header))
        assert maps.size >= 100 * 100  # the output's map at least
        self.sent.append(header)


LOOP = asyncio.new_event_loop()


def deliver(tab, text):
    """Hand one message to the tab's handler; return what the server sent back."""
    tab.websocket.sent.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy (or other) warning may escape
        LOOP.run_until_complete(tab.handle(text))
    return list(tab.websocket.sent)


def new_tab(link=""):
    tab = Tab(RecordingSocket())
    sent = deliver(tab, json.dumps({"type": "init", "hash": link}))
    assert [m["type"] for m in sent[:5]] == ["hello", "catalog", "data", "state", "frame"]
    return tab


def errors_in(sent):
    return [m["message"] for m in sent if m["type"] == "error"]


def assert_whole(session):
    """The session is usable: valid settings, a network within the limits, a frame."""
    state = session.state
    settable = {name: state[name] for name in protocol.SETTINGS
                if state[name] != protocol.UPLOAD}  # an upload is no setting a page can send
    again = protocol.check_settings(settable, state)
    assert again == state, "the session holds a setting its own checks refuse"
    hidden = session.net.sizes[1:-1]
    assert len(hidden) <= protocol.MAX_HIDDEN_LAYERS
    assert all(1 <= n <= protocol.MAX_NEURONS for n in hidden)
    assert np.all(np.isfinite(session.net.parameters))
    strict_json(json.dumps(session.describe()))


def check_answer(tab, text, before):
    """One fuzzed case: carried out, or refused with an error and nothing changed."""
    sent = deliver(tab, text)
    errors = errors_in(sent)
    assert not any(e.startswith("internal error") for e in errors), errors
    assert all(e for e in errors), "an error without a message"
    assert_whole(tab.session)
    try:
        message = protocol.parse_message(text)
    except GlassnetError:
        message = None
    if message is None:
        assert errors, f"a malformed message went unanswered: {text[:200]!r}"
    if errors and (message is None or message["type"] != "init"):
        state, parameters = before
        assert tab.session.state == state, "a refused message changed the settings"
        assert np.array_equal(tab.session.net.parameters, parameters)
    return sent


# ====================================================================== fuzzed messages
NEAR_LIMITS = [0, 1, 2, 6, 7, 8, 9, 30, 31, 50, 51, 90, 91, 10_000, 10_001, 10**6, 2**32,
               2**32 - 1, -1, 10**30]
numbers = st.one_of(
    st.sampled_from(NEAR_LIMITS),
    st.integers(-(2**64), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.03, 0.1, 1.0, 10.0, 1e-5, 1e3, 1000.0001, -1e6, 1e6 + 1, 5e-324]),
)
texts = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["", "4,2", "8," * 999 + "8", "1000000", "true", "false", "nan", "inf",
                     "-inf", "1e400", "²", "٣", " 3 ", "3_0", "0x10", "relu", "tanh",
                     "softmax", "adam", "L2", "upload", "circle", "spiral3", "curve",
                     "tensorflow", "\x00", "../../etc/passwd", "<script>", "W", "b"]),
    numbers.map(str),
)
json_scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12)


def mostly(good, hostile):
    """Seven draws in eight from ``good``, one from ``hostile`` (Hypothesis's one_of would
    weigh every branch of a nested one_of alike, so the valid values would be rare)."""
    return st.integers(0, 7).flatmap(lambda i: hostile if i == 7 else good)


def setting_values(name):
    """Values for one setting: its valid ones, mixed with everything hostile."""
    setting = protocol.SETTINGS[name]
    valid = list(protocol.CHOICES.get(name, ()))
    if isinstance(setting.default, bool):
        valid = [True, False, "true", "false"]
    elif name in ("networkShape", "activations"):
        units = st.integers(1, 8) if name == "networkShape" else st.sampled_from(
            protocol.HIDDEN_ACTIVATIONS)
        return mostly(st.lists(mostly(units, json_scalars), max_size=7),
                      st.one_of(st.just([8] * 1000), st.just([10**6]), texts))
    elif isinstance(setting.default, int):
        valid = [setting.default, 0, 1, 10, 50, 90]
    return mostly(st.sampled_from(valid or [setting.default]), json_values)


settings_changes = st.dictionaries(
    mostly(st.sampled_from(list(protocol.SETTINGS)), st.sampled_from(["bogus", "hidden", ""])),
    st.none(), min_size=1, max_size=3,
).flatmap(lambda names: st.fixed_dictionaries(
    {name: (setting_values(name) if name in protocol.SETTINGS else json_values)
     for name in names}))

FIELDS = {
    "init": {"hash": mostly(st.lists(st.tuples(
        st.sampled_from([*protocol.SETTINGS, "noise_hide", "cupboard_hide", "cosX", "bogus"]),
        texts)).map(lambda pairs: "#" + urlencode(pairs)), st.one_of(texts, json_values))},
    "set": {"settings": mostly(settings_changes, json_values)},
    "edit": {"kind": mostly(st.sampled_from(["W", "b"]), json_values),
             "layer": mostly(st.integers(0, 4), json_values),
             "row": mostly(st.integers(0, 4), json_values),
             "col": mostly(st.integers(0, 4), json_values),
             "value": mostly(st.floats(-2, 2), json_values)},
    "explain": {"layer": mostly(st.integers(0, 4), json_values),
                "unit": mostly(st.integers(0, 4), json_values),
                "x1": mostly(st.floats(-6, 6), json_values),
                "x2": mostly(st.floats(-6, 6), json_values)},
}


@st.composite
def messages(draw):
    """A message of every type: its fields present or missing, valid or hostile; its text
    sometimes cut short or replaced by random text."""
    kind = draw(mostly(st.sampled_from(list(protocol.MESSAGES)), json_scalars))
    fields = FIELDS.get(kind, {}) if isinstance(kind, str) else {}
    message = {"type": kind}
    for name, values in fields.items():
        if draw(st.integers(0, 9)) < 9:  # now and then a field is missing
            message[name] = draw(values)
    if draw(st.integers(0, 9)) == 9:
        message.update(draw(st.dictionaries(texts, json_values, max_size=3)))
    if draw(st.integers(0, 19)) == 19:
        message = draw(json_values)  # not even an object with a type
    text = json.dumps(message)  # NaN and Infinity reach the server as Python writes them
    cut = draw(st.integers(0, 19))
    if cut == 19:
        text = text[:draw(st.integers(0, len(text)))]
    elif cut == 18:
        text = draw(st.text(max_size=40))
    return text


@FUZZ
@given(text=messages())
def test_fuzzed_messages_are_carried_out_or_refused(text):
    tab = TAB["tab"]
    before = (dict(tab.session.state), tab.session.net.parameters.copy())
    CASES["messages"] += 1
    check_answer(tab, text, before)


TAB = {}


@pytest.fixture(autouse=True, scope="module")
def one_long_lived_tab():
    """One tab takes every fuzzed message in turn, as a page would, and must survive all."""
    TAB["tab"] = new_tab()
    yield
    tab = TAB.pop("tab")
    epoch = tab.session.epoch
    sent = deliver(tab, '{"type": "step"}')
    assert not errors_in(sent) and any(m["type"] == "frame" for m in sent)
    diverged = any(m["type"] == "diverged" for m in sent)
    assert tab.session.epoch == epoch + (0 if diverged else 1)
    LOOP.run_until_complete(LOOP.shutdown_default_executor())
    LOOP.close()


# ====================================================================== fuzzed uploads
cells = st.one_of(
    st.integers(-5, 5).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.sampled_from(["", " ", "1e308", "-1e308", "1e-320", "1e6", "1000001", "NaN", "inf",
                     "0x1p3", "1,5", '"2"', "x1", "label", "__import__('os')",
                     "=cmd|' /C calc'!A0", "\x00", "\ufeff1", "1_000", "²"]),
    st.text(max_size=5),
)


@st.composite
def csv_files(draw):
    """A table of 1 to 4 columns and 0 to 40 rows, maybe ragged, headed, or not text."""
    width = draw(st.integers(1, 4))
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=200))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    m = draw(st.integers(0, 40))
    scale = draw(st.sampled_from([1e-300, 1e-3, 1.0, 1e5, 1e7, 1e300]))
    table = rng.normal(size=(m, width)) * scale
    if draw(st.booleans()):  # whole-number labels: classes
        table[:, -1] = rng.integers(-1, draw(st.integers(1, 12)), size=m)
    lines = [",".join(repr(float(v)) for v in row) for row in table]
    for _ in range(draw(st.integers(0, 3))):  # hostile cells and ragged lines
        if lines:
            i = draw(st.integers(0, len(lines) - 1))
            row = lines[i].split(",")
            row[draw(st.integers(0, len(row) - 1))] = draw(cells)
            if draw(st.integers(0, 3)) == 0:
                row = row[:-1] or row + row
            lines[i] = ",".join(row)
    if draw(st.booleans()):
        lines.insert(0, ",".join(["x1", "x2", "x3", "label"][-width:]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(content=csv_files())
def test_fuzzed_uploads_are_read_as_data_or_refused(content):
    CASES["uploads"] += 1
    session = Session()
    before = (dict(session.state), session.net.parameters.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            session.set_upload(content, "fuzz.csv")
        except GlassnetError as exc:
            assert "fuzz.csv" in str(exc), f"the message does not name the file: {exc}"
            assert (session.state, session.upload) == (before[0], None)
            assert np.array_equal(session.net.parameters, before[1])
            return
        assert_whole(session)
        strict_json(json.dumps(session.points()))
        try:
            session.train(2)
        except DivergenceError:
            pass
        header, _ = unpack(session.frame())
        strict_json(json.dumps(header))
        strict_json(json.dumps(session.explain(1, 0, *session.data.X_train[:, 0])))


# ====================================================================== hand-picked, over the routes
SETTINGS_HOSTILE = [
    ({"networkShape": [8] * 1000}, "at most 6 hidden layers"),
    ({"networkShape": ",".join(["8"] * 1000)}, "at most 6 hidden layers"),
    ({"networkShape": [10**6]}, "from 1 to 8"),
    ({"networkShape": [4, -2]}, "from 1 to 8"),
    ({"networkShape": [4.5]}, "whole number"),
    ({"networkShape": {"a": 1}}, "list"),
    ({"batchSize": 0}, "batchSize must be a whole number from 1 to 30"),
    ({"batchSize": -1}, "batchSize"),
    ({"batchSize": 10**100}, "batchSize"),
    ({"batchSize": "²"}, "batchSize"),
    ({"batchSize": True}, "batchSize"),
    ({"learningRate": float("nan")}, "finite number"),
    ({"learningRate": float("inf")}, "finite number"),
    ({"learningRate": "-Infinity"}, "finite number"),
    ({"learningRate": None}, "finite number"),
    ({"learningRate": 1e-400}, "learningRate must be one of"),
    ({"noise": 51}, "noise"),
    ({"seed": 2**32}, "seed"),
    ({"activation": "softmax"}, "activation must be one of"),
    ({"activation": ["relu"]}, "activation must be one of"),
    ({"activations": ["relu"] * 7}, "at most 6"),
    ({"optimizer": "__import__('os')"}, "optimizer must be one of"),
    ({"dataset": "../../etc/passwd"}, "dataset must be one of"),
    ({"dataset": "upload"}, "dataset must be one of"),
    ({"x": "maybe"}, "true or false"),
    ({"x": False, "y": False}, "at least one input"),
    ({"hidden": ["playButton"]}, "unknown setting 'hidden'"),
    ({"__class__": 1}, "unknown setting"),
]
MESSAGES_HOSTILE = [
    ("", "not valid JSON"),
    ("{", "not valid JSON"),
    ('{"type": "play"', "not valid JSON"),
    ("[" * 10_000, "nested too deeply"),
    ('{"type": "set", "settings": ' + "[" * 5_000 + "]" * 5_000 + "}", "nested too deeply"),
    ('{"type": "set", "settings": {"seed": 1' + "0" * 5_000 + "}}", "not valid JSON"),
    ("x" * (protocol.MAX_MESSAGE_CHARS + 1), "limit"),
    ("null", '"type" field'),
    ('"play"', '"type" field'),
    ('{"type": null}', '"type" field'),
    ('{"type": ["play"]}', '"type" field'),
    ('{"type": "PLAY"}', "unknown message type"),
    ('{"type": "' + "z" * 10_000 + '"}', "unknown message type"),
    ('{"type": "__init__"}', "unknown message type"),
    ('{"type": "set"}', "needs a 'settings' field"),
    ('{"type": "set", "settings": null}', "'settings' must be an object"),
    ('{"type": "set", "settings": "learningRate=1"}', "'settings' must be an object"),
    ('{"type": "edit"}', "needs a 'kind' field"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 0, "col": 0}', "'value' field"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 0, "col": 0, "value": NaN}',
     "finite number"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 0, "col": 0, "value": Infinity}',
     "finite number"),
    ('{"type": "edit", "kind": "b", "layer": 1, "row": 0, "value": -Infinity}',
     "finite number"),
    ('{"type": "edit", "kind": "b", "layer": 1, "row": 0, "value": 1e400}', "finite number"),
    ('{"type": "edit", "kind": "b", "layer": 1, "row": 0, "value": 1001}', "between"),
    ('{"type": "edit", "kind": "W", "layer": 1000, "row": 0, "col": 0, "value": 1}', "layer"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 1000000, "col": 0, "value": 1}', "row"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 9999, "col": 0, "value": 1}',
     "does not exist"),
    ('{"type": "edit", "kind": "W", "layer": "1", "row": 0, "col": [0], "value": 1}', "col"),
    ('{"type": "explain", "layer": 1, "unit": 0, "x1": NaN, "x2": 0}', "finite number"),
    ('{"type": "explain", "layer": 1, "unit": 0, "x1": 0, "x2": 1e7}', "between"),
    ('{"type": "explain", "layer": 1000, "unit": 0, "x1": 0, "x2": 0}', "layer"),
    ('{"type": "explain", "layer": 1, "unit": 1000000, "x1": 0, "x2": 0}', "unit"),
    ('{"type": "explain", "layer": 1, "unit": 8, "x1": 0, "x2": 0}', "no neuron"),
    *[(json.dumps({"type": "set", "settings": changes}), culprit)
      for changes, culprit in SETTINGS_HOSTILE],
]


@pytest.fixture
def client():
    app = create_app()
    with TestClient(app) as c:
        c.tabs = app.state.tabs
        yield c


#: how long a test waits for the server's next message before it fails (a loaded machine
#: answers in well under a second)
WAIT_SECONDS = 30.0


def receive(ws, seconds=WAIT_SECONDS):
    """The server's next message, decoded, or None when none comes within ``seconds`` (the
    test client's own receive would wait forever). A thread reads it; one that is still
    waiting when the time is up is kept on ``ws``, and the next call takes its message."""
    got = getattr(ws, "waiting_reader", None)
    if got is None:
        got = queue.SimpleQueue()

        def read():
            try:
                got.put(ws.receive())
            except BaseException as exc:  # the connection closed: the waiting test is told
                got.put(exc)

        threading.Thread(target=read, daemon=True).start()
    try:
        message = got.get(timeout=seconds)
    except queue.Empty:
        ws.waiting_reader = got
        return None
    ws.waiting_reader = None
    if isinstance(message, BaseException):
        raise message
    if message.get("bytes") is not None:
        return unpack(message["bytes"])[0]
    return strict_json(message["text"])


def receive_until(ws, kind, limit=50, seconds=WAIT_SECONDS):
    """The first message of type ``kind`` among the next ``limit``; fails, naming what came,
    when the server falls silent for ``seconds`` or sends ``limit`` others."""
    seen = []
    for _ in range(limit):
        message = receive(ws, seconds)
        if message is None:
            raise AssertionError(f"no {kind!r} message: {seen} came, then none for "
                                 f"{seconds:g} s")
        seen.append(message["type"])
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} message among {seen}")


def test_an_expected_message_that_never_comes_fails_the_test_naming_what_came(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "init", "hash": ""})
        receive_until(ws, "frame")
        ws.send_json({"type": "pause"})  # answered with a state message, never an error
        with pytest.raises(AssertionError, match=r"no 'error' message: \['state'\] came, "
                                                 r"then none for 0.5 s"):
            receive_until(ws, "error", seconds=0.5)
        ws.send_json({"type": "step"})
        assert receive_until(ws, "frame")["epoch"] == 1  # the connection still works


def test_hand_picked_hostile_messages_over_one_websocket(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "init", "hash": "#networkShape=4,2&dataset=xor"})
        state = receive_until(ws, "state")
        receive_until(ws, "frame")
        for text, culprit in MESSAGES_HOSTILE:
            CASES["hand-picked messages"] += 1
            ws.send_text(text)
            error = receive_until(ws, "error")
            assert culprit in error["message"], (text[:80], error["message"])
            assert not error["message"].startswith("internal error")
            after = receive_until(ws, "state")  # the page is told what was kept
            assert after["state"] == state["state"], text[:80]
        ws.send_bytes(b"\x89PNG\r\n\x1a\n" + bytes(1000))
        CASES["hand-picked messages"] += 1
        assert "JSON text" in receive_until(ws, "error")["message"]
        ws.send_json({"type": "step"})
        assert receive_until(ws, "frame")["epoch"] == 1  # the session goes on
    assert len(MESSAGES_HOSTILE) >= 60


def test_hostile_links_open_with_the_defaults_and_each_problem_named(client):
    link = ("#networkShape=" + ",".join(["8"] * 1000) + "&batchSize=0&learningRate=NaN"
            "&noise=²&seed=-1&activation=__import__&dataset=../x&x=2")
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "init", "hash": link})
        state = receive_until(ws, "state")
        assert state["state"]["networkShape"] == [4, 2] and state["state"]["batchSize"] == 10
        errors = receive_until(ws, "error")["message"].split("\n")  # one message, all named
        assert len(errors) == 1 + 8
        for culprit in ("networkShape", "batchSize", "learningRate", "noise", "seed",
                        "activation", "dataset", "x must be"):
            assert any(culprit in e for e in errors), culprit
        CASES["hand-picked messages"] += 1


class Marker:
    """Unpickling this creates a file: proof that an upload ran code."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def hostile_uploads(marker):
    import io

    npz = io.BytesIO()
    np.savez(npz, x=np.array([Marker(marker)], dtype=object))
    return [
        (pickle.dumps(Marker(marker)), "not a text"),
        (npz.getvalue(), "not a text"),
        (b"__import__('os').system('touch " + str(marker).encode() + b"'),1,0\n" * 5,
         "is not a number"),
        (b"=cmd|' /C calc'!A0,1,0\n" * 5, "is not a number"),
        (b"1,2,0\n" * 3, "at least 4"),
        (b"", "no examples"),
        (b"\n\n\n", "no examples"),
        (b"x1,x2,label\n", "no examples"),
        (b"1,2,0\n3,4\n", "ragged"),
        (b"1,2,0\n1,2,inf\n" * 3, "not a finite number"),
        (b"1,2,0\n1e400,2,1\n" * 3, "not a finite number"),
        (b"1,2,0\n1,2,nan\n" * 3, "not a finite number"),
        (b"1,2,0\n1e7,2,1\n" * 3, "example 2, column 1 holds 1e+07"),
        (b"1,2,0\n1,2,1e300\n" * 3, "holds 1e+300"),
        (b"1," * 400_000 + b"0\n", "columns"),
        (b"1" * 200_000 + b",0\n", "field larger than field limit"),
        (b"1,2,0\n1,\x00,0\n" * 3, "is not a number"),
        (b"1,2,0\n" * (protocol.MAX_UPLOAD_ROWS + 1), "limit"),
        (b"1,2,0\n" * (protocol.MAX_UPLOAD_BYTES // 6 + 1), "limit"),
    ]


def test_hand_picked_hostile_uploads_over_http(client, tmp_path):
    marker = tmp_path / "code-ran"
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "init", "hash": ""})
        receive_until(ws, "frame")
        (sid,) = client.tabs
        for content, culprit in hostile_uploads(marker):
            CASES["hand-picked uploads"] += 1
            response = client.post(f"/api/{sid}/upload?name=hostile.csv", content=content)
            assert response.status_code in (400, 413), culprit
            assert culprit in response.json()["error"], (culprit, response.json())
            assert not marker.exists()

        def chunks():  # a body sent in chunks, with no length given (3 MB in all)
            for _ in range(50):
                yield b"1,2,0\n" * 10_000

        CASES["hand-picked uploads"] += 1
        response = client.post(f"/api/{sid}/upload", content=chunks())
        assert response.status_code == 413 and "limit" in response.json()["error"]
        assert client.tabs[sid].session.upload is None
        ws.send_json({"type": "step"})
        assert receive_until(ws, "frame")["epoch"] == 1  # the session goes on


def test_other_routes_refuse_what_they_do_not_know(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "init", "hash": ""})
        receive_until(ws, "frame")
        (sid,) = client.tabs
        for path in (f"/api/{sid}/..%2f..%2fserver.py", f"/api/{sid}/model.npz%00",
                     f"/api/{sid}/__init__", "/api/%2e%2e/model.npz", f"/api/{sid}x/data.csv"):
            assert client.get(path).status_code == 404, path
        assert client.get(f"/api/{sid}/upload").status_code in (404, 405)
        assert client.post(f"/api/{sid}/model.npz", content=b"x").status_code in (404, 405)
        assert client.post("/ws", content=b"{}").status_code in (404, 405)


def test_sessions_are_capped(client, monkeypatch):
    from glassnet.playground import server

    monkeypatch.setattr(client.app.state, "limits", server.Limits(sessions=3))
    sockets = [client.websocket_connect("/ws") for _ in range(3)]
    opened = [s.__enter__() for s in sockets]
    for ws in opened:
        ws.send_json({"type": "init", "hash": ""})
        receive_until(ws, "frame")
    with client.websocket_connect("/ws") as extra:
        assert "already runs 3 sessions" in receive(extra)["message"]
    for ws in opened:  # the sessions already open go on
        ws.send_json({"type": "step"})
        assert receive_until(ws, "frame")["epoch"] == 1
    for s in sockets:
        s.__exit__(None, None, None)


def test_robust_case_counts():
    """Runs last in this file: how many cases each area tried."""
    print("\nplayground cases: " + ", ".join(f"{k} {v}" for k, v in CASES.items()))
    if not CASES["messages"]:
        pytest.skip("run together with the fuzzers of this file to count their cases")
    assert CASES["messages"] >= EXAMPLES and CASES["uploads"] >= EXAMPLES
