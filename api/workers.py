"""Several workers from one load: the app and its catalog are loaded once, then forked.

``uvicorn --workers N`` starts N fresh interpreters, each importing geopandas and FastAPI and
loading the catalog itself: on two cores, two workers took 2.5 s to answer where one took 1.6.
Here the parent does that once, freezes it out of the garbage collector (so the workers' pages
stay shared, copy on write), opens the listening socket, and forks the workers, each a uvicorn
server on that socket. A worker that dies is replaced (from the loaded parent, in
milliseconds); SIGTERM or SIGINT stops them all. POSIX only (``os.fork``).
"""

from __future__ import annotations

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


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(app, sock: socket.socket, log_level: str) -> None:
    """Runs in a forked child: one uvicorn server on the shared socket, then exit."""
    import uvicorn

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = 0
    try:
        uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="on")).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
        logging.getLogger("atlas.workers").exception("worker %s failed", os.getpid())
        code = 1
    finally:
        os._exit(code)


def serve(host: str, port: int, workers: int, log_level: str = "info") -> int:
    """Load the app once, fork ``workers`` servers on one socket, supervise them."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s:     %(message)s")
    try:
        sock = _listen(host, port)  # first: a port in use is said at once, not after loading
    except OSError as exc:
        print(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    from api.app import create_app
    from api.settings import Settings
    from layers.catalog import Catalog

    settings = Settings()
    catalog = Catalog(data_dir=settings.data_dir)
    catalog.load(artifact_dir=settings.artifact_path)
    app = create_app(settings, catalog)
    gc.collect()
    gc.freeze()  # what is loaded now is shared with the workers; keep the collector off it

    children: dict[int, int] = {}  # pid -> worker number
    stopping = False

    def spawn(number: int) -> None:
        pid = os.fork()
        if pid == 0:
            _worker(app, sock, log_level)
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
    sock.close()
    return 0


if __name__ == "__main__":  # pragma: no cover - use python -m api --workers N
    sys.exit(serve("127.0.0.1", 8000, 2))
