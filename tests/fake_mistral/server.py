"""The fake server: a real HTTP server on 127.0.0.1 speaking the Mistral chat API.

Owns the socket side: routing, authentication, validation order, request
recording, the reply queue, and the timing of writes (streaming, pacing, and the
faults that cut, stall or corrupt a response). What goes into bodies lives in
``replies.py``, ``errors.py``, ``models.py`` and ``validation.py``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import socket
import struct
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, NoReturn, Self
from urllib.parse import urlsplit

from . import errors, validation
from .models import default_catalog, resolve_model
from .replies import Reply, RequestInfo, completion_body, stream_plan

Dialect = Literal["mistral", "openai"]

_MALFORMED = b"data: {not json\n\n"
_UTF8_LEAD = re.compile(rb"[\xc0-\xf7]")
_REQUESTS_PER_MINUTE = 600
_TOKENS_PER_MINUTE = 2_000_000


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it (control endpoints are not recorded)."""

    index: int  # position among all recorded requests, from 0
    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    body: Any  # parsed JSON, or None when absent or not JSON
    raw_body: bytes
    client_port: int = 0  # the connection's: the same for requests on one connection

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by ``GET /_fake/requests``."""
        return {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
        }


class FakeMistral:
    """A fake Mistral (or OpenAI-compatible) API server for tests.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. Settable
    attributes: ``catalog`` (model cards), ``retired_models`` (ids or aliases that
    answer "Invalid model"), ``expect_violations`` (read by the pytest fixture),
    ``tool_call_id_status``, ``unauthorized_detail_only`` and ``refuse_tools`` (a
    request offering tools gets the 400 of a server or model that takes none).
    """

    def __init__(
        self,
        dialect: Dialect = "mistral",
        api_key: str | None = "test-key",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if dialect not in ("mistral", "openai"):
            raise ValueError(f"unknown dialect {dialect!r}")
        self.dialect: Dialect = dialect
        self.api_key = api_key
        self.host = host
        self.catalog: list[dict[str, Any]] = default_catalog(dialect)
        self.retired_models: set[str] = set()
        self.expect_violations = False
        # The real API answers a malformed tool call id with 400 `invalid_function_call`.
        self.tool_call_id_status = 400
        # Which of the two real 401 bodies failed authentication gets.
        self.unauthorized_detail_only = False
        self.refuse_tools = False
        self.requests: list[RecordedRequest] = []
        self.schema_violations: list[str] = []
        self._requested_port = port
        self._queue: deque[Reply] = deque()
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._active: dict[_Handler, threading.Thread] = {}

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a background thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("already started")
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            # stop() waits up to one poll interval for the loop to notice.
            kwargs={"poll_interval": 0.01},
            name=f"fake-mistral:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections (stalled streams included) and join."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._lock:
            active = list(self._active.items())
        for handler, _ in active:
            handler.interrupt()
        httpd.server_close()
        thread.join()
        for _, handler_thread in active:
            handler_thread.join(timeout=2)
        self._httpd = self._thread = None

    def drop_connections(self) -> None:
        """Cut the open connections, kept-alive idle ones included, and keep serving: as a
        server or load balancer does with connections idle too long."""
        with self._lock:
            active = list(self._active)
        for handler in active:
            handler.interrupt()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no ``/v1``: clients add the path)."""
        return f"http://{self.host}:{self.port}"

    # -- scripting and inspection ----------------------------------------------

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies; each accepted chat request takes the next one."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending_replies(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded ``POST /v1/chat/completions`` requests, rejected ones included."""
        with self._lock:
            return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def request_count(self) -> int:
        """How many chat completion requests arrived (retries show up here)."""
        return len(self.chat_requests)

    @property
    def last_request(self) -> RecordedRequest:
        with self._lock:
            return self.requests[-1]

    def reset(self) -> None:
        """Forget queued replies, recorded requests and violations (lists cleared in place)."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.schema_violations.clear()

    # -- used by the handler ---------------------------------------------------

    def _record(
        self,
        method: str,
        target: str,
        headers: Iterable[tuple[str, str]],
        raw: bytes,
        client_port: int = 0,
    ) -> RecordedRequest:
        merged: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        parts = urlsplit(target)
        with self._lock:
            record = RecordedRequest(
                index=len(self.requests),
                method=method,
                path=parts.path,
                query=parts.query,
                headers=merged,
                body=body,
                raw_body=raw,
                client_port=client_port,
            )
            self.requests.append(record)
        return record

    def _violation(self, message: str) -> None:
        with self._lock:
            self.schema_violations.append(message)

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._queue.popleft() if self._queue else Reply()

    def _find_model(self, name: object) -> dict[str, Any] | None:
        with self._lock:
            card = resolve_model(self.catalog, name)
            retired = self.retired_models
            if card is None or name in retired or card["id"] in retired:
                return None
            return card

    def _track(self, handler: _Handler) -> None:
        with self._lock:
            self._active[handler] = threading.current_thread()

    def _untrack(self, handler: _Handler) -> None:
        with self._lock:
            self._active.pop(handler, None)


def _json_error(raw: bytes) -> json.JSONDecodeError | None:
    """Why ``raw`` is not JSON, or None (an empty body counts as JSON-less, not bad)."""
    if not raw:
        return None
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        return exc
    except UnicodeDecodeError as exc:
        return json.JSONDecodeError(str(exc), raw.decode("latin-1"), exc.start)
    return None


def _offers_tools(body: dict[str, Any], dialect: Dialect) -> bool:
    """Whether a server without tools refuses ``body``: vLLM only when the model would
    choose ("auto", also the default with tools); it can force a call without its flags."""
    if not body.get("tools"):
        return False
    return dialect == "mistral" or body.get("tool_choice", "auto") == "auto"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Benchmarks open many connections at once; the default backlog of 5 is too short.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: FakeMistral) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (or our own cuts) are normal here, not worth a traceback.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Aborted(Exception):
    """The connection was cut on purpose (a fault, or the server stopping)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive for JSON replies; streams close explicitly
    server: _HTTPServer

    # -- plumbing ----------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        # Every write must leave as its own segment, or split_utf8 and pacing are moot.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._track(self)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._untrack(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read server.requests; stderr noise helps nobody

    def interrupt(self) -> None:
        """Wake this handler (blocked reading, or waiting in a stall or a delay) so the
        server can stop; its connection is then reset, as ``_abort`` resets it.

        Not SHUT_RDWR: that sent the client an orderly FIN, a clean end of a body that
        ends when the socket closes, when it came before the stalled handler's own reset
        (the client then saw a stream end normally, now and then under load)."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RD)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    @property
    def fake(self) -> FakeMistral:
        return self.server.fake

    def _dispatch(self) -> None:
        try:
            raw = self._read_body()
            path = urlsplit(self.path).path
            if path.startswith("/_fake/"):
                self._control(path, raw)
                return
            record = self.fake._record(
                self.command, self.path, self.headers.items(), raw, self.client_address[1]
            )
            if path == "/v1/chat/completions" and self.command == "POST":
                self._chat(record)
            elif path == "/v1/models" and self.command == "GET":
                self._models(None)
            elif path.startswith("/v1/models/") and self.command == "GET":
                self._models(path.removeprefix("/v1/models/"))
            else:
                self._send(404, {"detail": "Not Found"})
        except _Aborted:
            self.close_connection = True
        except OSError:
            # The client went away mid-response; nothing left to tell it.
            self.close_connection = True

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                part = self.rfile.read(size)
                if len(part) < size:
                    raise _Aborted
                parts.append(part)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if len(body) < length:
            # The client went away mid-upload (a cancelled request): nothing to judge.
            raise _Aborted
        return body

    # -- responses -----------------------------------------------------------------

    def _base_headers(self) -> dict[str, str]:
        if self.fake.dialect == "mistral":
            return {"mistral-correlation-id": errors.request_id()}
        return {}

    def _send(
        self,
        status: int,
        body: dict[str, Any] | list[Any] | str | bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        if isinstance(body, bytes):
            data, content_type = body, "application/json"
        elif isinstance(body, str):
            data = body.encode()
            # What a proxy in front of the API sends: an HTML page or plain text.
            kind = "html" if body.lstrip().startswith("<") else "plain"
            content_type = f"text/{kind}; charset=utf-8"
        else:
            data, content_type = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**self._base_headers(), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _abort(self) -> NoReturn:
        """Reset the connection: the client sees an error, not a clean end of body."""
        self.close_connection = True
        sock = self.connection
        with contextlib.suppress(OSError):
            # Linger 0 turns close() into a TCP RST instead of an orderly FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # makefile() objects hold the descriptor open; close them all so it really closes.
        for stream in (self.rfile, self.wfile):
            with contextlib.suppress(OSError):
                stream.close()
        sock.close()
        # The request loop still flushes wfile after we return; give it a harmless sink.
        self.rfile, self.wfile = io.BytesIO(), io.BytesIO()
        raise _Aborted

    def _wait(self, seconds: float) -> None:
        """Sleep, unless the server is stopping: then cut the connection at once."""
        if self.fake._stopping.wait(seconds):
            self._abort()

    # -- endpoints -------------------------------------------------------------------

    def _authorized(self) -> bool:
        key = self.fake.api_key
        if key is None:
            return True
        if self.headers.get("Authorization") == f"Bearer {key}":
            return True
        if self.fake.dialect == "mistral":
            self._send(401, errors.unauthorized(detail_only=self.fake.unauthorized_detail_only))
        else:
            self._send(401, {"error": "Unauthorized"})  # vLLM's --api-key middleware
        return False

    def _models(self, model_id: str | None) -> None:
        if not self._authorized():
            return
        with self.fake._lock:
            cards = list(self.fake.catalog)
        if model_id is None:
            self._send(200, {"object": "list", "data": cards})
            return
        card = resolve_model(cards, model_id)
        if card is None:
            self._send(404, {"detail": "Model not found"})
        else:
            self._send(200, card)

    def _chat(self, record: RecordedRequest) -> None:
        fake = self.fake
        if not self._authorized():
            return
        body = record.body
        json_error = _json_error(record.raw_body)
        if json_error is not None:
            fake._violation(f"request body is not JSON: {record.raw_body[:80]!r}")
            self._reject_bad_json(json_error)
            return
        if fake.dialect == "mistral" and not self._validate_mistral(body):
            return
        if not isinstance(body, dict):
            fake._violation("request body is not a JSON object")
            self._send(400, errors.openai_error("Expected a JSON object", "BadRequestError", 400))
            return
        if self._refused(body):
            return
        if not self._refused_as_too_long(body) and not self._refused_by_dialect(body):
            self._answer(body)

    def _refused_by_dialect(self, body: dict[str, Any]) -> bool:
        """What only one of the dialects refuses: a continuation vLLM cannot do, a tool
        call id Mistral does not accept."""
        fake = self.fake
        if fake.dialect == "openai":
            problem = validation.continuation_problem(body)
            if problem is not None:
                message, refused = problem
                fake._violation(message)
                if refused:
                    self._send(400, errors.openai_error(message, "BadRequestError", 400))
                    return True
        if fake.dialect == "mistral":
            bad_ids = validation.bad_tool_call_ids(body)
            if bad_ids:
                fake._violation(f"bad tool call id {bad_ids[0]!r}")
                self._send(fake.tool_call_id_status, errors.invalid_tool_call_id(bad_ids[0]))
                return True
        return False

    def _refused_as_too_long(self, body: dict[str, Any]) -> bool:
        """Refuse a prompt longer than the model's context, as real servers do."""
        fake = self.fake
        refusal = errors.context_too_long(
            fake._find_model(body.get("model")) or {},
            RequestInfo.from_body(body, fake.dialect).prompt_tokens,
            fake.dialect,
        )
        if refusal is not None:
            self._send(400, refusal)
        return refusal is not None

    def _refused(self, body: dict[str, Any]) -> bool:
        """Refuse an unknown model, or tools the server takes none of; True if refused."""
        fake = self.fake
        if fake._find_model(body.get("model")) is None:
            if fake.dialect == "mistral":
                self._send(400, errors.invalid_model(body.get("model")))
            else:
                message = f"The model `{body.get('model')}` does not exist."
                self._send(404, errors.openai_error(message, "NotFoundError", 404))
            return True
        if fake.refuse_tools and _offers_tools(body, fake.dialect):
            self._send(400, errors.tools_refused(fake.dialect))
            return True
        return False

    def _answer(self, body: dict[str, Any]) -> None:
        """Answer an accepted request with the next scripted reply."""
        reply = self.fake._next_reply()
        info = RequestInfo.from_body(body, self.fake.dialect)
        headers = self._reply_headers(reply, info)
        if reply.is_error:
            error_body = reply.error_body
            if error_body is None:
                error_body = errors.default_body(
                    reply.status, model=info.model, detail_only=reply.detail_only
                )
            self._send(reply.status, error_body, headers)
        elif body.get("stream") is True:
            self._stream(reply, info, headers)
        else:
            self._complete(reply, info, headers)

    def _validate_mistral(self, body: object) -> bool:
        detail = validation.validate_chat_request(body)
        if not detail:
            return True
        self.fake._violation(validation.describe(detail))
        self._send(422, errors.validation_error(detail))
        return False

    def _reject_bad_json(self, error: json.JSONDecodeError) -> None:
        if self.fake.dialect == "openai":
            self._send(400, errors.openai_error("Invalid JSON body", "BadRequestError", 400))
            return
        detail = [
            {
                "type": "json_invalid",
                "loc": ["body", error.pos],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": error.msg},
            }
        ]
        self._send(422, errors.validation_error(detail))

    def _reply_headers(self, reply: Reply, info: RequestInfo) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.fake.dialect == "mistral":
            count = self.fake.request_count
            remaining = 0 if reply.status == 429 else max(0, _REQUESTS_PER_MINUTE - count)
            headers.update(
                {
                    "x-ratelimit-limit-req-minute": str(_REQUESTS_PER_MINUTE),
                    "x-ratelimit-remaining-req-minute": str(remaining),
                    "x-ratelimit-limit-tokens-minute": str(_TOKENS_PER_MINUTE),
                    "x-ratelimit-remaining-tokens-minute": str(
                        max(0, _TOKENS_PER_MINUTE - info.prompt_tokens * count)
                    ),
                    "x-ratelimit-tokens-query-cost": str(info.prompt_tokens),
                }
            )
        if reply.retry_after is not None:
            headers["Retry-After"] = reply.retry_after
        headers.update(reply.headers)
        return headers

    def _writer(self, reply: Reply) -> Callable[[bytes], None]:
        send: Callable[[bytes], None] = self.connection.sendall
        if not reply.split_utf8:
            return send

        def split_send(data: bytes) -> None:
            # Cut each multibyte character after its lead byte, pausing so the two
            # halves arrive in separate reads.
            start = 0
            for match in _UTF8_LEAD.finditer(data):
                cut = match.start() + 1
                send(data[start:cut])
                self._wait(reply.split_pause)
                start = cut
            send(data[start:])

        return split_send

    def _complete(self, reply: Reply, info: RequestInfo, headers: dict[str, str]) -> None:
        """A non-streaming answer. Faults apply to the body as a whole: ``delay`` waits
        once before answering, ``malformed_after`` sends ``{not json`` as the body,
        ``cut_after``/``stall_after`` send half the body (then stall) and reset."""
        data = json.dumps(completion_body(reply, info), ensure_ascii=False).encode()
        if reply.delay > 0:
            self._wait(reply.delay)
        if reply.malformed_after is not None:
            data = b"{not json"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**self._base_headers(), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        write = self._writer(reply)
        if reply.cut_after is None and reply.stall_after is None:
            write(data)
            return
        write(data[: len(data) // 2])
        if reply.stall_after is not None:
            self._wait(reply.stall_seconds)
        self._abort()

    def _stream(self, reply: Reply, info: RequestInfo, headers: dict[str, str]) -> None:
        plan = stream_plan(reply, info)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        # No Content-Length and no chunked encoding: the body ends when the socket
        # closes, as with the real API behind its proxy.
        self.send_header("Connection", "close")
        for name, value in {**self._base_headers(), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        write = self._writer(reply)
        write(plan.first)
        events = itertools.chain(plan.body, (plan.done,))
        if reply.is_plain:
            self._write_plain(events, max(1, reply.batch))
            return
        for sent, event in enumerate(events):
            at_done = event is plan.done

            def due(after: int | None, sent: int = sent, at_done: bool = at_done) -> bool:
                # A fault placed at or past the end fires just before [DONE].
                return after is not None and (after == sent or (at_done and after > sent))

            if due(reply.malformed_after):
                write(_MALFORMED)
            if due(reply.cut_after):
                self._abort()
            if due(reply.stall_after):
                self._wait(reply.stall_seconds)
                self._abort()
            write(event)
            if reply.delay > 0 and not at_done:
                self._wait(reply.delay)

    def _write_plain(self, events: Iterable[bytes], batch: int) -> None:
        send = self.connection.sendall
        if batch == 1:
            for event in events:
                send(event)
            return
        iterator = iter(events)
        while group := list(itertools.islice(iterator, batch)):
            send(b"".join(group))

    # -- control endpoints (no auth, not recorded) -----------------------------------

    def _control(self, path: str, raw: bytes) -> None:
        fake = self.fake
        try:
            payload: Any = json.loads(raw) if raw else None
            if path == "/_fake/replies" and self.command == "POST":
                items = payload if isinstance(payload, list) else [payload]
                fake.enqueue(*(Reply.from_dict(item) for item in items))
                self._send(200, {"queued": fake.pending_replies})
            elif path == "/_fake/reset" and self.command == "POST":
                fake.reset()
                self._send(200, {"ok": True})
            elif path == "/_fake/requests" and self.command == "GET":
                with fake._lock:
                    state = {
                        "request_count": fake.request_count,
                        "requests": [r.to_json() for r in fake.requests],
                        "schema_violations": list(fake.schema_violations),
                    }
                self._send(200, state)
            elif path == "/_fake/config" and self.command == "POST":
                with fake._lock:
                    if "retired_models" in payload:
                        fake.retired_models = set(payload["retired_models"])
                    if "catalog" in payload:
                        fake.catalog = list(payload["catalog"])
                    if "refuse_tools" in payload:
                        fake.refuse_tools = bool(payload["refuse_tools"])
                self._send(200, {"ok": True})
            else:
                self._send(404, {"detail": "Not Found"})
        except (ValueError, TypeError, KeyError) as exc:
            self._send(400, {"error": str(exc)})
