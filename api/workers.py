"""Several workers from one load: the app and its catalog are loaded once, then forked.

``uvicorn --workers N`` starts N fresh interpreters, each importing geopandas and FastAPI and
loading the catalog itself: on two cores, two workers took 2.5 s to answer where one took 1.6.
Here the parent does that once, with what the first request would make (the middleware stack
and the direct routes' plans, :func:`api.app.build_request_path`), freezes it out of the
garbage collector (so the workers' pages stay shared, copy on write), opens the listening
sockets (one per worker where the port can be shared, see :func:`listening_sockets`), and forks
the workers, each a uvicorn server on its socket, accepting every waiting connection at once
(:class:`EagerServer`) and writing each response in one system call
(:func:`api.transport.gathering_protocol`). A worker that dies is
replaced (from the loaded parent, in milliseconds); SIGTERM or SIGINT stops them all. POSIX only
(``os.fork``).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import sys
import time

log = logging.getLogger("atlas.workers")

#: Seconds the workers get to finish their requests after SIGTERM before they are killed.
GRACE = 20.0


def _listen(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def listening_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker where the system can share a port (SO_REUSEPORT: the
    kernel spreads new connections evenly over them), else one socket for all.

    A port already in use raises OSError, including one held by another server that also
    shares it: the port is first bound alone, which any listener on it refuses.
    """
    if workers < 2 or not hasattr(socket, "SO_REUSEPORT"):
        return [_listen(host, port)]
    _listen(host, port).close()
    made: list[socket.socket] = []
    try:
        for _ in range(workers):
            made.append(_listen(host, port, reuse_port=True))
    except OSError:
        for sock in made:
            sock.close()
        raise
    return made


#: Connections one readiness event of the listening socket may accept (asyncio's own bound).
ACCEPT_BATCH = 100


class EagerServer:
    """The part of ``asyncio.Server`` uvicorn uses, accepting every waiting connection when the
    listening socket is readable.

    libuv (under uvloop) accepts one connection per loop iteration (libuv/libuv#3696). Under
    load an iteration serves every ready request first, so a burst of new connections (a
    browser opening six, a client starting 64) waited one iteration each: the last first
    request of 32 new connections was answered after 400–550 ms on two busy workers, against
    a 10–40 ms median. Here they are all taken at once and start together.

    Only for a socket no other worker accepts from (:func:`listening_sockets`): on a shared
    one, the first worker to wake would take a whole burst (64 connections to one worker and
    none to the other, measured), which is what libuv's single accept avoids.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, protocol_factory, sock: socket.socket):
        sock.setblocking(False)  # this worker's own socket: no other process waits on it
        self._loop, self._protocol_factory, self._sock = loop, protocol_factory, sock
        self._connecting: set[asyncio.Task] = set()
        self.sockets = [sock]
        loop.add_reader(sock.fileno(), self._accept)

    def _accept(self) -> None:
        for _ in range(ACCEPT_BATCH):
            try:
                conn, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return  # none left
            except ConnectionAbortedError:
                continue
            except OSError as exc:  # out of descriptors: say so, try again on the next event
                log.warning("accept failed: %s", exc)
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = self._loop.create_task(self._loop.connect_accepted_socket(self._protocol_factory, conn))
            self._connecting.add(task)
            task.add_done_callback(self._connecting.discard)

    def close(self) -> None:
        if self.sockets:
            self._loop.remove_reader(self._sock.fileno())
            self.sockets = []

    async def wait_closed(self) -> None:
        if self._connecting:
            await asyncio.gather(*self._connecting, return_exceptions=True)


def _eager_loop_class():
    try:
        import uvloop

        base = uvloop.Loop
    except ImportError:  # asyncio's own loop already accepts up to 100 per event
        return None

    class EagerAcceptLoop(base):
        """uvloop, with :class:`EagerServer` for servers on a given TCP socket."""

        async def create_server(self, protocol_factory, host=None, port=None, *, sock=None, ssl=None, **kwargs):
            if sock is None or ssl is not None or sock.family not in (socket.AF_INET, socket.AF_INET6):
                return await super().create_server(protocol_factory, host, port, sock=sock, ssl=ssl, **kwargs)
            return EagerServer(self, protocol_factory, sock)

    return EagerAcceptLoop


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The workers' event loop (uvicorn's ``loop`` setting names it): uvloop accepting
    eagerly where uvloop is installed, else asyncio's."""
    cls = _eager_loop_class()
    return cls() if cls is not None else asyncio.new_event_loop()


def _worker(app, sock: socket.socket, own: bool, log_level: str) -> None:
    """Runs in a forked child: one uvicorn server on ``sock`` (``own``: no other worker
    accepts from it), then exit."""
    import uvicorn

    from api.transport import gathering_protocol

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = 0
    try:
        config = uvicorn.Config(app, log_level=log_level, lifespan="on", http=gathering_protocol(),
                                loop="api.workers:new_event_loop" if own else "auto")
        uvicorn.Server(config).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
        logging.getLogger("atlas.workers").exception("worker %s failed", os.getpid())
        code = 1
    finally:
        os._exit(code)


def serve(host: str, port: int, workers: int, log_level: str = "info") -> int:
    """Load the app once, fork ``workers`` servers (each on its own socket where the port can be
    shared), supervise them."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s:     %(message)s")
    try:
        sockets = listening_sockets(host, port, workers)  # first: a port in use is said at once, not after loading
    except OSError as exc:
        print(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    from api.app import build_request_path, create_app, make_first_map
    from api.settings import Settings
    from layers.catalog import Catalog

    settings = Settings()
    catalog = Catalog(data_dir=settings.data_dir)
    catalog.load(artifact_dir=settings.artifact_path)
    app = create_app(settings, catalog)
    build_request_path(app)
    if settings.warm_start:
        try:
            make_first_map(app)
        except Exception:  # an optimisation: a failure is logged, the workers make them on request
            logging.getLogger(__name__).warning("making the first map's layers failed", exc_info=True)
    gc.collect()
    gc.freeze()  # what is loaded now is shared with the workers; keep the collector off it

    children: dict[int, int] = {}  # pid -> worker number
    stopping = False

    def spawn(number: int) -> None:
        pid = os.fork()
        if pid == 0:
            # A worker's own socket outlives it here: connections that come while it is
            # replaced wait in its queue for the next one.
            _worker(app, sockets[number % len(sockets)], len(sockets) == workers, log_level)
        children[pid] = number

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(workers):
        spawn(number)
    log.info("serving on http://%s:%d with %d workers (pids %s)", host, port, workers, ", ".join(map(str, children)))
    deadline = None
    while children:
        if stopping and deadline is None:
            deadline = time.monotonic() + GRACE
        if deadline is not None and time.monotonic() > deadline:
            for left in list(children):
                os.kill(left, signal.SIGKILL)
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:  # none has exited
            time.sleep(0.1)
            continue
        number = children.pop(pid, None)
        if number is not None and not stopping:
            log.warning("worker %d (pid %d) exited with status %d; starting another", number, pid, status)
            spawn(number)
    for sock in sockets:
        sock.close()
    return 0


if __name__ == "__main__":  # pragma: no cover - use python -m api --workers N
    sys.exit(serve("127.0.0.1", 8000, 2))
