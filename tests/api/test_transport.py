"""api.transport: the writes of one event-loop step leave as one system call."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
from uvicorn.server import ServerState

from api.transport import HOLD_BYTES, GatheringTransport, gathering_protocol


class RecordingTransport(asyncio.Transport):
    """Stands for uvloop's transport: records each call that would be a system call."""

    def __init__(self):
        super().__init__()
        self.calls: list[list[bytes]] = []  # one entry per write/writelines call
        self.closed = self.aborted = self.eof = False
        self.protocol = None

    def write(self, data):
        assert not self.closed, "written after close"
        if data:  # as uvloop and asyncio: an empty write is no call
            self.calls.append([bytes(data)])

    def writelines(self, list_of_data):
        assert not self.closed, "written after close"
        self.calls.append([bytes(d) for d in list_of_data])

    def close(self):
        self.closed = True

    def abort(self):
        self.aborted = self.closed = True

    def is_closing(self):
        return self.closed

    def write_eof(self):
        self.eof = True

    def can_write_eof(self):
        return True

    def get_write_buffer_size(self):
        return 0

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def set_protocol(self, protocol):
        self.protocol = protocol

    def get_protocol(self):
        return self.protocol

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass

    def is_reading(self):
        return True


def _sent(transport: RecordingTransport) -> bytes:
    return b"".join(b"".join(call) for call in transport.calls)


async def _steps(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def test_writes_of_one_step_leave_together_in_order():
    async def scenario():
        raw = RecordingTransport()
        gathering = GatheringTransport(raw, asyncio.get_running_loop())
        gathering.write(b"HTTP/1.1 200 OK\r\n\r\n")
        gathering.write(b"")  # nothing: no call
        gathering.writelines([b"a", bytearray(b"b"), memoryview(b"c")])
        assert raw.calls == [] and gathering.get_write_buffer_size() == 22
        await _steps()
        assert raw.calls == [[b"HTTP/1.1 200 OK\r\n\r\n", b"a", b"b", b"c"]]
        gathering.write(b"next step")
        await _steps()
        assert raw.calls[1:] == [[b"next step"]]

    asyncio.run(scenario())


def test_a_large_write_leaves_at_once_with_what_is_held_before_it():
    async def scenario():
        raw = RecordingTransport()
        gathering = GatheringTransport(raw, asyncio.get_running_loop())
        body = b"x" * HOLD_BYTES
        gathering.write(b"head")
        gathering.write(body)
        assert raw.calls == [[b"head", body]]  # not waiting for the step's end, not copied into one
        await _steps()
        assert len(raw.calls) == 1  # the scheduled flush finds nothing

    asyncio.run(scenario())


@pytest.mark.parametrize("ending", ["close", "write_eof"])
def test_held_data_leaves_before_the_connection_is_closed_or_ended(ending):
    async def scenario():
        raw = RecordingTransport()
        gathering = GatheringTransport(raw, asyncio.get_running_loop())
        gathering.write(b"last words")
        getattr(gathering, ending)()
        assert raw.calls == [[b"last words"]]
        assert raw.closed == (ending == "close") and raw.eof == (ending == "write_eof")
        await _steps()
        assert len(raw.calls) == 1

    asyncio.run(scenario())


def test_abort_drops_held_data_and_a_closed_connection_gets_nothing():
    async def scenario():
        raw = RecordingTransport()
        gathering = GatheringTransport(raw, asyncio.get_running_loop())
        gathering.write(b"dropped")
        gathering.abort()
        await _steps()
        assert raw.calls == [] and raw.aborted
        other = RecordingTransport()
        gathering = GatheringTransport(other, asyncio.get_running_loop())
        gathering.write(b"too late")
        other.close()  # the peer went away during the step
        await _steps()
        assert other.calls == []

    asyncio.run(scenario())


async def _two_part_app(scope, receive, send):
    assert scope["type"] == "http"
    body = b'{"type":"FeatureCollection","features":[]}'
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/geo+json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _bases():
    from uvicorn.protocols.http.h11_impl import H11Protocol

    bases = [pytest.param(H11Protocol, id="h11")]
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return bases
    return [pytest.param(HttpToolsProtocol, id="httptools"), *bases]


@pytest.mark.parametrize("base", _bases())
def test_uvicorn_sends_a_response_in_one_call(base):
    """The status line, headers and body of a response the app sends in two messages reach the
    socket in one call; uvicorn's own protocol makes two."""

    async def serve_one(protocol_class) -> RecordingTransport:
        config = uvicorn.Config(_two_part_app, lifespan="off", access_log=False, log_level="warning")
        protocol = protocol_class(config=config, server_state=ServerState(), app_state={},
                                  _loop=asyncio.get_running_loop())
        raw = RecordingTransport()
        protocol.connection_made(raw)
        protocol.data_received(b"GET /api/layers/x HTTP/1.1\r\nHost: atlas\r\n\r\n")
        await _steps(10)
        protocol.connection_lost(None)
        return raw

    gathered = asyncio.run(serve_one(gathering_protocol(base)))
    assert len(gathered.calls) == 1
    assert _sent(gathered).startswith(b"HTTP/1.1 200 OK\r\n")
    assert _sent(gathered).endswith(b'\r\n\r\n{"type":"FeatureCollection","features":[]}')
    assert gathering_protocol(base).__name__ == f"Gathering{base.__name__}"
    plain = asyncio.run(serve_one(base))
    assert len(plain.calls) == 2 and _sent(plain) == _sent(gathered)  # the same bytes, in two calls


def test_the_default_protocol_is_uvicorns_fastest_installed():
    try:
        import httptools  # noqa: F401
    except ImportError:
        pytest.skip("httptools not installed")
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    assert issubclass(gathering_protocol(), HttpToolsProtocol)
