"""The playground server can't be held down: every client that is silent, slow or greedy is
bounded (glassnet.playground.server.Limits), and names and origins are checked.

Loopback only, every wait bounded. The limits are made small here so that each rule is
seen to act within a second or two; ``Limits()`` holds the real values.
"""

import logging
import socket
import threading
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from starlette.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from glassnet.cli import main  # noqa: E402
from glassnet.playground import protocol  # noqa: E402
from glassnet.playground.server import Limits, create_app, host_allowed, server_config  # noqa: E402


def client_for(limits, allowed_hosts=None):
    return TestClient(create_app(allowed_hosts=allowed_hosts, limits=limits))


def messages_until_closed(ws):
    """Every JSON message until the server closes the socket, and the close code."""
    seen = []
    while True:
        try:
            seen.append(ws.receive_json())
        except WebSocketDisconnect as closed:
            return seen, closed.code


def next_frame(ws):
    """The bytes of the next binary frame (the JSON messages before it are passed over)."""
    while (frame := ws.receive().get("bytes")) is None:
        pass
    return frame


def init(ws):
    ws.send_json({"type": "init", "hash": ""})
    next_frame(ws)


# ------------------------------------------------------------------ silent and greedy tabs
def test_a_socket_that_never_says_init_is_closed_with_the_reason():
    with client_for(Limits(first_message_seconds=0.3)) as client:
        with client.websocket_connect("/ws") as ws:
            seen, code = messages_until_closed(ws)
    assert code == 4003
    assert seen == [{"type": "error", "message": "no init message arrived: closed",
                     "final": True}]


def test_a_tab_that_sends_nothing_for_long_is_closed_and_told_how_to_go_on():
    with client_for(Limits(idle_seconds=0.5)) as client:
        with client.websocket_connect("/ws") as ws:
            init(ws)
            started = time.monotonic()
            seen, code = messages_until_closed(ws)
        assert client.app.state.tabs == {}  # its slot is free again
    assert code == 4003 and 0.3 < time.monotonic() - started < 10
    assert seen[-1]["final"] and "reload the page" in seen[-1]["message"]


def test_a_busy_tab_is_not_closed_while_it_keeps_talking():
    with client_for(Limits(idle_seconds=0.6)) as client:
        with client.websocket_connect("/ws") as ws:
            init(ws)
            for _ in range(4):  # 4 × 0.3 s: longer than the idle limit in all
                time.sleep(0.3)
                ws.send_json({"type": "step"})
                next_frame(ws)
            assert len(client.app.state.tabs) == 1


def test_one_client_cannot_take_every_slot():
    with client_for(Limits(sessions=4, sessions_per_client=2)) as client:
        first, second = client.websocket_connect("/ws"), client.websocket_connect("/ws")
        with first as a, second as b:
            init(a)
            init(b)
            with client.websocket_connect("/ws") as third:
                seen, code = messages_until_closed(third)
            assert code == 4002 and seen[0]["final"]
            assert "already has 2 playground tabs open" in seen[0]["message"]
            b.send_json({"type": "step"})  # the tabs already open go on
            assert next_frame(b)
    assert client.app.state.tabs == {}


def test_the_server_wide_cap_keeps_its_reason_and_a_code_of_its_own():
    with client_for(Limits(sessions=1)) as client:
        with client.websocket_connect("/ws") as a:
            init(a)
            with client.websocket_connect("/ws") as extra:
                seen, code = messages_until_closed(extra)
    assert code == 4001
    assert seen == [{"type": "error", "final": True,
                     "message": "the server already runs 1 sessions; close a tab"}]


def test_a_huge_integer_learning_rate_is_refused_not_an_internal_error():
    with client_for(Limits()) as client, client.websocket_connect("/ws") as ws:
        init(ws)
        ws.send_text('{"type": "set", "settings": {"learningRate": ' + "9" * 4000 + "}}")
        message = ws.receive_json()
        while message["type"] != "error":
            message = ws.receive_json()
    assert message["message"] == ("learningRate must be a finite number; got a number of "
                                  "4000 digits")


# ------------------------------------------------------------------ names and origins
@pytest.mark.parametrize("host, allowed", [
    ("127.0.0.1:8000", True), ("[::1]:8000", True), ("192.168.1.7:8000", True),
    ("localhost:8000", True), ("LocalHost", True), ("lab-pc:8000", True),
    ("evil.example:8000", False), ("localhost.evil.example", False), ("", False),
    ("127.0.0.1.evil.example", False),
])
def test_host_names_must_be_allowed_but_addresses_always_are(host, allowed):
    assert host_allowed(host, ["localhost", "lab-pc"]) is allowed


def test_a_rebinding_page_is_refused_even_when_listening_on_every_interface():
    with client_for(Limits(), allowed_hosts=["localhost", "lab-pc"]) as client:
        assert client.get("/", headers={"host": "evil.example"}).status_code == 400
        assert client.get("/", headers={"host": "lab-pc:8000"}).status_code == 200
        with pytest.raises(WebSocketDisconnect) as closed:
            with client.websocket_connect("/ws", headers={"host": "evil.example"}) as ws:
                ws.receive_json()
        assert closed.value.code == 1008


@pytest.mark.parametrize("origin, accepted", [
    ("http://testserver", True), ("https://testserver", False), ("null", False),
    ("http://testserver:81", False), ("http://evil.example", False),
])
def test_the_origin_check_compares_the_scheme_too(origin, accepted):
    with client_for(Limits()) as client:
        if accepted:
            with client.websocket_connect("/ws", headers={"origin": origin}) as ws:
                init(ws)
            return
        with pytest.raises(WebSocketDisconnect) as closed:
            with client.websocket_connect("/ws", headers={"origin": origin}) as ws:
                ws.receive_json()
        assert closed.value.code == 1008


@pytest.mark.parametrize("port", ["٨٠", "８０", "80.0", "-1", "65536", ""])
def test_only_ascii_digits_make_a_port(port, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["playground", "--port", port])
    assert exit_info.value.code == 2
    assert "a port is a whole number from 0 to 65535" in capsys.readouterr().err


# ------------------------------------------------------------------ a real server
@pytest.fixture
def real_server(caplog):
    """The app on uvicorn with small limits, in a thread; yields (address, app)."""
    import uvicorn

    app = create_app(limits=Limits(header_seconds=0.5, upload_seconds=1.0,
                                   upload_bytes=3000))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(server_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    caplog.set_level(logging.INFO, logger="glassnet.playground")
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield sock.getsockname()[:2], app
    server.should_exit = True
    thread.join(10)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def closed_within(conn, seconds):
    """True when the server closes the connection within ``seconds``."""
    conn.settimeout(seconds)
    try:
        while conn.recv(4096):
            pass
        return True
    except TimeoutError:
        return False


def test_headers_sent_slowly_are_cut_off(real_server):
    address, _ = real_server
    with socket.create_connection(address) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        assert closed_within(conn, 5)
    with socket.create_connection(address) as conn:  # a well-behaved one is served
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        conn.settimeout(5)
        assert conn.recv(12) == b"HTTP/1.1 200"


def test_a_kept_alive_connection_is_cut_off_too_when_its_next_headers_dawdle(real_server):
    address, _ = real_server
    with socket.create_connection(address) as conn:
        conn.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        conn.settimeout(5)
        assert conn.recv(12) == b"HTTP/1.1 200"
        conn.sendall(b"GET / HTTP/1.1\r\n")  # a second request, left unfinished
        assert closed_within(conn, 5)


def open_session(address):
    """A session over a raw WebSocket-less route: init through the TestClient is not
    possible on a real server, so use the websockets client."""
    from websockets.sync.client import connect

    ws = connect(f"ws://{address[0]}:{address[1]}/ws", open_timeout=10)
    ws.send('{"type": "init", "hash": ""}')
    sid = None
    while sid is None:
        message = ws.recv(timeout=10)
        if isinstance(message, str) and '"hello"' in message:
            import json

            sid = json.loads(message)["id"]
    return ws, sid


def post_head(address, sid, length):
    conn = socket.create_connection(address)
    conn.sendall(f"POST /api/{sid}/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Content-Length: {length}\r\nContent-Type: text/csv\r\n\r\n".encode())
    return conn


def response_status(conn, seconds=10):
    conn.settimeout(seconds)
    return int(conn.recv(4096).split(b" ", 2)[1])


def test_uploads_that_stall_are_timed_out_and_their_bytes_let_go(real_server, caplog):
    address, app = real_server
    ws, sid = open_session(address)
    with ws:
        stalled = post_head(address, sid, 2000)
        stalled.sendall(b"x1,x2,y\n" + b"1,2,0\n" * 100)  # 608 of the 2000 bytes, then nothing
        started = time.monotonic()
        assert response_status(stalled) == 408
        assert 0.5 < time.monotonic() - started < 8
        stalled.close()
        assert app.state.upload_bytes == 0


def test_unfinished_uploads_cannot_hold_more_than_their_budget(real_server):
    address, app = real_server
    ws, sid = open_session(address)
    with ws:
        first = post_head(address, sid, 2500)
        first.sendall(b"1,2,0\n" * 400)  # 2,400 bytes held, unfinished
        time.sleep(0.3)
        second = post_head(address, sid, 2500)
        second.sendall(b"1,2,0\n" * 200)  # 1,200 more: over the budget of 3,000
        assert response_status(second) == 503
        assert response_status(first) == 408
        first.close()
        second.close()
        assert app.state.upload_bytes == 0


def test_a_declared_size_over_the_limit_is_refused_before_reading(real_server):
    address, _ = real_server
    ws, sid = open_session(address)
    with ws, post_head(address, sid, protocol.MAX_UPLOAD_BYTES + 1) as conn:
        assert response_status(conn, 5) == 413


def test_an_abandoned_upload_is_one_line_in_the_log(real_server, caplog):
    address, app = real_server
    ws, sid = open_session(address)
    with ws:
        conn = post_head(address, sid, 2000)
        conn.sendall(b"1,2,0\n" * 10)
        time.sleep(0.2)
        conn.close()  # the client goes away in the middle
        deadline = time.monotonic() + 5
        while "abandoned" not in caplog.text:
            assert time.monotonic() < deadline, caplog.text
            time.sleep(0.05)
    lines = [r for r in caplog.records if "abandoned" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO and not lines[0].exc_info
    assert app.state.upload_bytes == 0
