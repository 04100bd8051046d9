"""The playground's web server: a Starlette app on uvicorn, one session per browser tab.

Routes:

* ``/`` and ``/static/…``: the page (plain HTML, JavaScript and CSS shipped in the package);
* ``/ws``: the WebSocket a tab opens; its first message ``{"type": "init", "hash": …}``
  creates the tab's session, whose id the reply carries;
* ``/api/<id>/upload`` (POST, a CSV body): train on the user's own data;
* ``/api/<id>/model.npz``, ``/api/<id>/data.csv``, ``/api/<id>/snippet.py``: exports.

A session lives as long as its WebSocket: closing the tab stops its training and lets go
of its data and network. Training runs in a worker thread, a frame's worth at a time, so
the event loop stays free for every other tab; a per-session lock keeps the messages,
uploads and exports of a tab from touching its network while a frame's epochs run.
"""

import asyncio
import ctypes
import functools
import gc
import ipaddress
import json
import logging
import math
import secrets
import socket
import time
from dataclasses import dataclass
from importlib.resources import files
from urllib.parse import urlsplit

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..errors import ConfigError, DivergenceError, GlassnetError
from . import engine, protocol
from .data import catalog
from .session import Session

log = logging.getLogger("glassnet.playground")

FRAME_SECONDS = 1 / 30  #: at most 30 frames a second
#: the names under which a browser on this machine reaches a server on a loopback address
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
STATIC = files("glassnet.playground") / "static"


@dataclass(frozen=True)
class Limits:
    """What the clients may hold of the server, and for how long: no client that is slow,
    silent or greedy can keep the others out or make the server's memory grow.

    A client is one remote address (every tab of this machine is 127.0.0.1).
    """

    sessions: int = 32                  #: open tabs at once, in all
    sessions_per_client: int = 24       #: of them from one address (8 stay for the others)
    first_message_seconds: float = 10   #: a new socket must send its init within this
    idle_seconds: float = 30 * 60       #: a tab sending nothing for this long is closed
    header_seconds: float = 10          #: a request's headers must all arrive within this
    upload_seconds: float = 30          #: an upload's whole body must arrive within this
    #: bytes of uploads still arriving, held at once, in all
    upload_bytes: int = 4 * protocol.MAX_UPLOAD_BYTES


MAX_SESSIONS = Limits.sessions


class Tab:
    """One open tab: its WebSocket, its Session, and the loop that trains and draws it."""

    def __init__(self, websocket, client="?"):
        self.websocket = websocket
        self.client = client  #: the remote address, for the per-client limit
        self.id = secrets.token_urlsafe(16)
        self.session = None
        self.lock = asyncio.Lock()
        self.wake = asyncio.Event()
        self.ack = 0  #: the "seq" of the last "set" handled, echoed in each state message

    async def send(self, message):
        """Send a JSON message or a binary frame (callers hold the lock). A state message
        says which of the page's changes it already holds (``ack``): the page keeps
        showing the value of a control it changed since."""
        if isinstance(message, bytes):
            await self.websocket.send_bytes(message)
            return
        if message.get("type") == "state":
            message = {**message, "ack": self.ack}
        await self.websocket.send_text(json.dumps(message, separators=(",", ":")))


    async def error(self, text):
        await self.send({"type": "error", "message": text})

    # ------------------------------------------------------------------ messages
    async def handle(self, text):
        """Check and carry out one message; a bad one gets an error, nothing else."""
        async with self.lock:
            try:
                message = protocol.parse_message(text)
                if message["type"] != "init" and self.session is None:
                    raise ConfigError('the first message must be {"type": "init"}')
                await getattr(self, "_on_" + message["type"])(message)
            except GlassnetError as exc:
                await self.error(str(exc))
                if self.session is not None:
                    await self.send(self.session.describe())  # the page shows what was kept
            except WebSocketDisconnect:
                raise  # the tab is gone: nothing to answer, nobody to tell
            except Exception as exc:  # a bug must not end the tab's session
                log.exception("playground message failed")
                await self.error(f"internal error ({type(exc).__name__}: {exc}); the "
                                 "session goes on, please report this")

    async def _send_all(self, data=True, frame=True):
        if data:
            await self.send(self.session.points())
        await self.send(self.session.describe())
        if frame:
            await self.send(await asyncio.to_thread(self.session.frame))

    async def _on_init(self, message):
        state, problems = protocol.parse_hash(message["hash"])
        self.session = await asyncio.to_thread(Session, state)  # a second init starts over
        problems += self.session.problems
        await self.send({"type": "hello", "id": self.id})
        await self.send(catalog())
        await self._send_all()
        if problems:  # all of them in one message: none hides another
            await self.error("link settings ignored (the defaults stand in):\n" +
                             "\n".join(f"• {problem}" for problem in problems))

    async def _on_set(self, message):
        self.ack = max(self.ack, message["seq"])
        effects = await asyncio.to_thread(self.session.apply, message["settings"])
        await self._send_all(data="data" in effects, frame=bool(effects - {"view"}))

    async def _on_play(self, message):
        playing = await asyncio.to_thread(self.session.play)
        if playing:
            self.wake.set()
        await self.send(self.session.describe())
        if not playing:  # a stop condition is met: the frame's header names it
            await self.send(await asyncio.to_thread(self.session.frame))

    async def _on_pause(self, message):
        self.session.playing = False
        await self.send(self.session.describe())

    async def _on_step(self, message):
        self.session.playing = False
        await self._train(1)
        await self.send(self.session.describe())  # the page's button shows "paused"

    async def _on_reset(self, message):
        self.session.playing = False
        self.session.reset()
        await self._send_all(data=False)

    async def _on_newWeights(self, message):
        self.session.playing = False
        self.session.new_weights()
        await self._send_all(data=False)

    async def _on_regenerate(self, message):
        await asyncio.to_thread(self.session.regenerate)
        await self._send_all()

    async def _on_edit(self, message):
        fields = {k: message[k] for k in ("kind", "layer", "row", "col", "value")}
        self.session.edit(**fields)
        await self.send(await asyncio.to_thread(self.session.frame))

    async def _on_explain(self, message):
        fields = {k: message[k] for k in ("layer", "unit", "x1", "x2")}
        await self.send(self.session.explain(**fields))

    # ------------------------------------------------------------------ training
    async def _on_focus(self, message):
        self.session.set_focus(message["layer"], message["unit"])
        await self.send(await asyncio.to_thread(self.session.frame))

    # ------------------------------------------------------------------ training
    async def _train(self, epochs, seconds=math.inf):
        """Train in a worker thread, then send the frame (callers hold the lock). Returns
        the seconds the training itself took.

        A divergence or a dead network pauses the session with its message. Any other
        exception (a bug) pauses it too, with one log line and one message to this tab:
        the session stays as the failure left it, and Play tries again.
        """
        session = self.session

        def work():
            began = time.perf_counter()
            message = None
            try:
                try:
                    session.train(epochs, seconds)
                except DivergenceError as exc:
                    message = {"type": "diverged", "message": f"{exc} {session.advice()}"}
                else:
                    dead = session.dead()
                    if dead:
                        session.playing = False
                        message = {"type": "diverged", "message": dead}
                trained = time.perf_counter() - began
                return message, session.frame(), trained
            except Exception as exc:  # a bug: told once, and the tab's session goes on
                session.playing = False
                log.error("training failed in a playground tab: %s: %s",
                          type(exc).__name__, exc)
                return {"type": "error", "message": (
                    f"training stopped by an internal error ({type(exc).__name__}: {exc}); "
                    "the session is kept: press Play to try again, and please report this"
                )}, None, time.perf_counter() - began

        message, frame, trained = await _to_thread_to_the_end(work)
        if message is not None:
            await self.send(message)
            await self.send(session.describe())
        if frame is not None:
            await self.send(frame)
        return trained

    async def run(self):
        """While playing: a frame's epochs (as many as the speed asks), a frame, a pause
        to keep to 30 frames a second; while paused, wait to be woken. At the fastest
        speed the epochs fill the frame's time but for what drawing and sending the last
        frame took, so that training goes on at full speed between frames."""
        overhead = 0.0  # seconds of the last frame not spent training
        while True:
            if self.session is None or not self.session.playing:
                self.wake.clear()
                await self.wake.wait()
                continue
            started = time.perf_counter()
            async with self.lock:
                if self.session.playing:
                    speed = self.session.state["speed"]
                    budget = max(FRAME_SECONDS / 2, FRAME_SECONDS - overhead)
                    trained = await self._train(speed or math.inf,
                                                seconds=math.inf if speed else budget)
                    overhead = time.perf_counter() - started - trained
            await asyncio.sleep(max(0.0, FRAME_SECONDS - (time.perf_counter() - started)))


async def _to_thread_to_the_end(work):
    """``work()`` in a worker thread. Cancelling the caller does not stop the thread, so a
    cancelled caller still waits for it: once the caller is done, nothing runs on the
    session any more (the tab's clean-up relies on it)."""
    future = asyncio.ensure_future(asyncio.to_thread(work))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


# ---------------------------------------------------------------------- the app
def _same_origin(websocket):
    """True when the page that opens the socket was served by this server (or no browser
    sent an Origin): another web site must not drive a local session. The scheme counts:
    a page of https://host or of another port is another origin."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    scheme = {"ws": "http", "wss": "https"}[websocket.url.scheme]
    return parts.scheme == scheme and parts.netloc == websocket.headers.get("host")


async def _refuse(websocket, message, code):
    """Tell the page why, then close: the reason stays on its screen (code 4000+: ours)."""
    await websocket.send_text(json.dumps({"type": "error", "message": message,
                                          "final": True}))
    await websocket.close(code=code, reason=message[:120])


def _client(connection):
    return connection.client.host if connection.client else "?"


async def websocket_endpoint(websocket: WebSocket):
    tabs, limits = websocket.app.state.tabs, websocket.app.state.limits
    if not _same_origin(websocket):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    client = _client(websocket)
    if len(tabs) >= limits.sessions:
        await _refuse(websocket, f"the server already runs {limits.sessions} sessions; "
                      "close a tab", 4001)
        return
    if sum(tab.client == client for tab in tabs.values()) >= limits.sessions_per_client:
        await _refuse(websocket, f"this computer already has {limits.sessions_per_client} "
                      "playground tabs open; close one", 4002)
        return
    tab = Tab(websocket, client)
    tabs[tab.id] = tab
    runner = asyncio.create_task(tab.run())
    try:
        await _receive(websocket, tab, limits)
    except WebSocketDisconnect:
        pass
    finally:
        tabs.pop(tab.id, None)
        runner.cancel()
        # the runner ends once its frame's thread is done (or ended on the closed socket)
        await asyncio.gather(runner, return_exceptions=True)
        async with tab.lock:  # an upload or export under way finishes first
            tab.session = None  # the data and network go with the tab
        _give_back_memory(idle=not tabs)


async def _receive(websocket, tab, limits):
    """Hand each message to the tab until it closes; a silent tab is closed with a reason:
    one that never says init soon, or one that has sent nothing for long (playing or not:
    a tab left alone must not hold its slot and a core for ever)."""
    while True:
        waiting = limits.first_message_seconds if tab.session is None else limits.idle_seconds
        message = None
        with anyio.move_on_after(waiting):
            message = await websocket.receive()
        if message is None:  # nothing came in time
            await _refuse(websocket, (
                "no init message arrived: closed" if tab.session is None else
                f"closed after {limits.idle_seconds / 60:g} minutes without use; the link "
                "keeps your setup: reload the page to go on"), 4003)
            return
        if message["type"] == "websocket.disconnect":
            return
        await tab.handle(message.get("text") if message.get("text") is not None
                         else message.get("bytes"))


@functools.cache
def _libc():
    """The C library, if it is glibc (loaded once: each load makes new ctypes classes that
    are never freed), else None."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018  (glibc's own)
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None
    return libc


def _give_back_memory(idle):
    """Return freed memory to the system (glibc keeps it in per-thread arenas otherwise,
    and the worker threads that trained the tabs each have one). When the last tab has
    closed (``idle``), first free what closed tabs left in reference cycles (a full
    collection takes a moment, and nobody waits for the server then)."""
    if idle:
        gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def _tab(request):
    tab = request.app.state.tabs.get(request.path_params["id"])
    if tab is None or tab.session is None:
        return None
    return tab


def _not_found():
    return JSONResponse({"error": "no such session: reload the page"}, status_code=404)


async def upload(request):
    tab = _tab(request)
    if tab is None:
        return _not_found()
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > protocol.MAX_UPLOAD_BYTES:
        return _too_large()
    limits = request.app.state.limits
    content = None
    try:
        with anyio.move_on_after(limits.upload_seconds):
            content = await _body(request)
    except ClientDisconnect:
        log.info("an upload from %s was abandoned before its end", _client(request))
        return Response(status_code=400)
    if content is None:
        return JSONResponse({"error": f"the upload did not arrive within "
                             f"{limits.upload_seconds:g} s"}, status_code=408)
    if isinstance(content, Response):
        return content
    name = request.query_params.get("name", "the uploaded file")[:100]
    async with tab.lock:
        try:
            await asyncio.to_thread(tab.session.set_upload, bytes(content), name)
        except GlassnetError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        tab.session.playing = False
        await tab._send_all()
    return JSONResponse({"ok": True})


async def _body(request):
    """The request's body, counted against the bytes all unfinished uploads may hold."""
    state, limits = request.app.state, request.app.state.limits
    content = bytearray()
    try:
        async for chunk in request.stream():
            content += chunk
            state.upload_bytes += len(chunk)
            if len(content) > protocol.MAX_UPLOAD_BYTES:
                return _too_large()
            if state.upload_bytes > limits.upload_bytes:
                return JSONResponse({"error": "the server is receiving too many uploads at "
                                     "once; try again in a moment"}, status_code=503)
        return content
    finally:
        state.upload_bytes -= len(content)


def _too_large():
    return JSONResponse({"error": f"the file is larger than the limit of "
                         f"{protocol.MAX_UPLOAD_BYTES} bytes"}, status_code=413)


EXPORTS = {
    "model.npz": ("model_bytes", "application/octet-stream", "playground-model.npz"),
    "data.csv": ("data_csv", "text/csv", "playground-data.csv"),
    "snippet.py": ("snippet", "text/x-python", "playground.py"),
}


async def export(request):
    tab = _tab(request)
    what = EXPORTS.get(request.path_params["what"])
    if tab is None or what is None:
        return _not_found()
    method, media_type, filename = what
    async with tab.lock:
        try:
            content = await asyncio.to_thread(getattr(tab.session, method))
        except GlassnetError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def index(request):
    return FileResponse(str(STATIC / "index.html"))


def create_app(allowed_hosts=None, limits=Limits()):
    """The playground as an ASGI app (uvicorn serves it; tests drive it directly).

    ``allowed_hosts`` lists the names the browser may use in the Host header (None: any).
    ``serve`` always gives a list, so that a web page whose own name is made to resolve to
    this machine (DNS rebinding) is refused: its requests carry its own name. An address
    written as digits (127.0.0.1, 192.168.1.5, [::1]) is always allowed: rebinding needs a
    name. ``limits`` bounds what the clients may hold (see ``Limits``).
    """
    app = Starlette(routes=[
        Route("/", index),
        WebSocketRoute("/ws", websocket_endpoint),
        Route("/api/{id}/upload", upload, methods=["POST"]),
        Route("/api/{id}/{what}", export),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ], middleware=[Middleware(_HostCheck, allowed=allowed_hosts)])
    app.state.tabs = {}
    app.state.limits = limits
    app.state.upload_bytes = 0
    return app


def host_allowed(host_header, allowed):
    """True when the Host header names an allowed name, or an address written as digits."""
    name = urlsplit(f"//{host_header}").hostname or ""
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return allowed is None or name.lower() in {a.strip("[]").lower() for a in allowed}


class _HostCheck:
    """Refuse requests whose Host header is not allowed (see ``create_app``): a page gets
    400, a WebSocket is closed before it opens (the browser sees 403)."""

    def __init__(self, app, allowed):
        self.app, self.allowed = app, allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if not host_allowed(host, self.allowed):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    await PlainTextResponse("Invalid host header", 400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def exposure(host):
    """None when ``host`` is a loopback address (this machine only); otherwise what makes
    the playground reachable from other machines: "all interfaces", or the host itself."""
    try:
        infos = socket.getaddrinfo(host or None, 0, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except OSError:
        return host  # it cannot be bound either; serve says so
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if any(address.is_unspecified for address in addresses):
        return "all interfaces"
    return None if all(address.is_loopback for address in addresses) else host


def serve(host="127.0.0.1", port=8000, sock=None, ready=None, allowed_hosts=(),
          limits=Limits()):
    """Run the playground with uvicorn until interrupted.

    ``sock`` is an already bound socket (tests pass one bound to port 0); ``ready(url)`` is
    called once the socket listens, before the server runs (connections wait in the
    backlog meanwhile), e.g. to open a browser. Requests must name this machine: by a
    loopback name, by an address, by this machine's own names when it listens wider, or
    by one of ``allowed_hosts``.
    """
    import uvicorn

    if sock is None:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    sock.listen()
    host, bound = sock.getsockname()[:2]
    name = f"[{host}]" if ":" in host else host
    if ready is not None:
        ready(f"http://{name}:{bound}/")
    local = ipaddress.ip_address(host.split("%")[0]).is_loopback
    own = () if local else (socket.gethostname(), socket.getfqdn())
    app = create_app(allowed_hosts=[*LOOPBACK_HOSTS, *own, *allowed_hosts], limits=limits)
    engine.warm_up()  # the compiled engine, ready by the first Play (NumPy's trains till then)
    uvicorn.Server(server_config(app)).run(sockets=[sock])


def server_config(app):
    """uvicorn's settings for the app: its limits applied to the connections too."""
    import uvicorn

    # messages up to 1 MiB reach the session, which answers an oversized one with an
    # error; uvicorn closes the socket on anything larger
    # frames come compressed (playground.wire): compressing them again would only cost
    return uvicorn.Config(app, log_level="warning", ws_max_size=2**20,
                          ws_per_message_deflate=False,
                          http=_protocol_with_header_deadline(app.state.limits.header_seconds))


def _protocol_with_header_deadline(seconds):
    """uvicorn's HTTP protocol, closing a connection whose request headers take longer than
    ``seconds`` to arrive (uvicorn itself waits for them forever)."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HeaderDeadline(HttpToolsProtocol):
        _deadline = None

        def _arm(self):
            if self._deadline is None:
                self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self):
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self):
            self._deadline = None
            if not self.transport.is_closing():
                log.info("closed a connection from %s: its request headers took over %g s",
                         self.client[0] if self.client else "?", seconds)
                self.transport.close()

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self):  # a further request on a kept-alive connection
            self._arm()
            super().on_message_begin()

        def on_headers_complete(self):
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc):
            self._disarm()
            super().connection_lost(exc)

    return HeaderDeadline
