"""One system call per response: uvicorn's HTTP protocol on a transport that gathers writes.

uvicorn writes a response's status line and headers when the app starts it, and its body when
the app sends it: two ``write`` calls, and uvloop makes each a system call at once. On a TCP
connection with ``TCP_NODELAY`` each is also a packet of its own, and on loopback the sender's
call runs the receiver's side of TCP too. Measured on the full county layer (233 KB, replayed
from the cache, 64 connections, two workers): the write of the headers alone took 13 % of a
worker's samples, a third as much as the write of the 233 KB body.

:class:`GatheringTransport` holds what is written during one step of the event loop and hands
it to the real transport at the end of the step (``call_soon``) as one ``writelines``: uvloop
sends it with one ``writev``. Nothing waits longer than the step that wrote it, so a streamed
response goes out as it is made. A write that brings the held bytes to :data:`HOLD_BYTES` or
more goes out at once, with what is held before it, so a large body is never copied.
"""

from __future__ import annotations

import asyncio

#: Held bytes from which a write goes out at once (with everything held before it).
HOLD_BYTES = 64 * 1024


class GatheringTransport(asyncio.Transport):
    """A transport that gathers the writes of one event-loop step into one ``writelines`` on
    ``transport``; everything else is the wrapped transport's.

    Order is kept: held data always goes out before anything written after it, and before the
    transport is closed or its end of writing is signalled. :meth:`abort` drops held data, as
    the wrapped transport drops its buffer.
    """

    __slots__ = ("_transport", "_loop", "_held", "_held_bytes", "_scheduled")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._scheduled = False

    # -- writing ----------------------------------------------------------------------------
    def write(self, data) -> None:
        if not data:
            return
        self._held.append(data)
        self._held_bytes += len(data)
        if self._held_bytes >= HOLD_BYTES:
            self.flush()
        elif not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush_scheduled)

    def writelines(self, list_of_data) -> None:
        for data in list_of_data:
            self.write(data)

    def _flush_scheduled(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        """Hand everything held to the wrapped transport now (dropped if it is closing)."""
        held = self._held
        if not held:
            return
        self._held, self._held_bytes = [], 0
        if self._transport.is_closing():
            return  # the connection is gone: the wrapped transport would drop it too
        if len(held) == 1:
            self._transport.write(held[0])
        else:
            self._transport.writelines(held)

    def get_write_buffer_size(self) -> int:
        return self._held_bytes + self._transport.get_write_buffer_size()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held, self._held_bytes = [], 0
        self._transport.abort()

    # -- everything else is the wrapped transport's ------------------------------------------
    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name, default=None):
        return self._transport.get_extra_info(name, default)

    def set_protocol(self, protocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self):
        return self._transport.get_protocol()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_write_buffer_limits(self, high=None, low=None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def get_write_buffer_limits(self):
        return self._transport.get_write_buffer_limits()


def gathering_protocol(base: type[asyncio.Protocol] | None = None) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol class (``base``; default: httptools' where installed, else h11's)
    seeing its connection through a :class:`GatheringTransport`. Pass it as
    ``uvicorn.Config(http=...)``."""
    if base is None:
        try:
            from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
        except ImportError:  # httptools not installed: uvicorn's pure-Python parser
            from uvicorn.protocols.http.h11_impl import H11Protocol as base

    class GatheringProtocol(base):
        def connection_made(self, transport) -> None:
            super().connection_made(GatheringTransport(transport, asyncio.get_running_loop()))

    GatheringProtocol.__name__ = GatheringProtocol.__qualname__ = f"Gathering{base.__name__}"
    return GatheringProtocol
