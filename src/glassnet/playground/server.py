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
import ipaddress
import json
import logging
import math
import secrets
import socket
import time
from importlib.resources import files
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..errors import ConfigError, GlassnetError
from . import protocol
from .session import Diverged, Session, catalog

log = logging.getLogger("glassnet.playground")

FRAME_SECONDS = 1 / 30  #: at most 30 frames a second
MAX_SESSIONS = 32
#: the names under which a browser on this machine reaches a server on a loopback address
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
STATIC = files("glassnet.playground") / "static"


class Tab:
    """One open tab: its WebSocket, its Session, and the loop that trains and draws it."""

    def __init__(self, websocket):
        self.websocket = websocket
        self.id = secrets.token_urlsafe(16)
        self.session = None
        self.lock = asyncio.Lock()
        self.wake = asyncio.Event()

    async def send(self, message):
        """Send a JSON message or a binary frame (callers hold the lock)."""
        if isinstance(message, bytes):
            await self.websocket.send_bytes(message)
        else:
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
        await self.send({"type": "hello", "id": self.id})
        await self.send(catalog())
        await self._send_all()
        for problem in problems:
            await self.error(f"link setting ignored: {problem}")

    async def _on_set(self, message):
        effects = await asyncio.to_thread(self.session.apply, message["settings"])
        await self._send_all(data="data" in effects, frame=bool(effects - {"view"}))

    async def _on_play(self, message):
        self.session.playing = True
        self.wake.set()
        await self.send(self.session.describe())

    async def _on_pause(self, message):
        self.session.playing = False
        await self.send(self.session.describe())

    async def _on_step(self, message):
        self.session.playing = False
        await self._train(1)

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
    async def _train(self, epochs, seconds=math.inf):
        """Train in a worker thread, then send the frame (callers hold the lock)."""
        session = self.session

        def work():
            try:
                session.train(epochs, seconds)
                return None, session.frame()
            except Diverged as exc:
                return str(exc), session.frame()

        diverged, frame = await _to_thread_to_the_end(work)
        if diverged:
            await self.send({"type": "diverged", "message": diverged})
            await self.send(session.describe())
        await self.send(frame)

    async def run(self):
        """While playing: a frame's epochs (as many as the speed asks), a frame, a pause
        to keep to 30 frames a second; while paused, wait to be woken."""
        while True:
            if self.session is None or not self.session.playing:
                self.wake.clear()
                await self.wake.wait()
                continue
            started = time.perf_counter()
            async with self.lock:
                if self.session.playing:
                    speed = self.session.state["speed"]
                    if speed:
                        await self._train(speed)
                    else:  # as fast as it goes: epochs for most of a frame's time
                        await self._train(math.inf, seconds=0.8 * FRAME_SECONDS)
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
    sent an Origin): another web site must not drive a local session."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


async def websocket_endpoint(websocket: WebSocket):
    tabs = websocket.app.state.tabs
    if not _same_origin(websocket):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    if len(tabs) >= MAX_SESSIONS:
        await websocket.send_text(json.dumps({
            "type": "error",
            "message": f"the server already runs {MAX_SESSIONS} sessions; close a tab"}))
        await websocket.close(code=1013)
        return
    tab = Tab(websocket)
    tabs[tab.id] = tab
    runner = asyncio.create_task(tab.run())
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            await tab.handle(message.get("text") if message.get("text") is not None
                             else message.get("bytes"))
    except WebSocketDisconnect:
        pass
    finally:
        tabs.pop(tab.id, None)
        runner.cancel()
        # the runner ends once its frame's thread is done (or ended on the closed socket)
        await asyncio.gather(runner, return_exceptions=True)
        async with tab.lock:  # an upload or export under way finishes first
            tab.session = None  # the data and network go with the tab


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
    content = bytearray()
    async for chunk in request.stream():
        content += chunk
        if len(content) > protocol.MAX_UPLOAD_BYTES:
            return JSONResponse({"error": f"the file is larger than the limit of "
                                 f"{protocol.MAX_UPLOAD_BYTES} bytes"}, status_code=413)
    name = request.query_params.get("name", "the uploaded file")[:100]
    async with tab.lock:
        try:
            await asyncio.to_thread(tab.session.set_upload, bytes(content), name)
        except GlassnetError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        tab.session.playing = False
        await tab._send_all()
    return JSONResponse({"ok": True})


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


def create_app(allowed_hosts=None):
    """The playground as an ASGI app (uvicorn serves it; tests drive it directly).

    ``allowed_hosts`` lists the names the browser may use in the Host header (None: any).
    ``serve`` gives the loopback names when it listens on this machine only, so that a web
    page whose own name is made to resolve to 127.0.0.1 (DNS rebinding) is refused: its
    requests carry its own name.
    """
    app = Starlette(routes=[
        Route("/", index),
        WebSocketRoute("/ws", websocket_endpoint),
        Route("/api/{id}/upload", upload, methods=["POST"]),
        Route("/api/{id}/{what}", export),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ], middleware=[Middleware(_TrustedHosts, allowed_hosts=allowed_hosts or ["*"])])
    app.state.tabs = {}
    return app


class _TrustedHosts(TrustedHostMiddleware):
    """Starlette's check of the Host header; a WebSocket it refuses is closed before it
    opens (the browser sees 403), since uvicorn logs the refusal page it would otherwise
    get as an error of the app."""

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            send = _closing_instead_of_a_page(send)
        await super().__call__(scope, receive, send)


def _closing_instead_of_a_page(send):
    async def closing(message):
        if message["type"] == "websocket.http.response.start":
            await send({"type": "websocket.close", "code": 1008})
        elif message["type"] != "websocket.http.response.body":
            await send(message)
    return closing


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


def serve(host="127.0.0.1", port=8000, sock=None, ready=None):
    """Run the playground with uvicorn until interrupted.

    ``sock`` is an already bound socket (tests pass one bound to port 0); ``ready(url)`` is
    called once the socket listens, before the server runs (connections wait in the
    backlog meanwhile), e.g. to open a browser.
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
    app = create_app(allowed_hosts=[*LOOPBACK_HOSTS, name] if local else None)
    # messages up to 1 MiB reach the session, which answers an oversized one with an
    # error; uvicorn closes the socket on anything larger
    config = uvicorn.Config(app, log_level="warning", ws_max_size=2**20)
    uvicorn.Server(config).run(sockets=[sock])
