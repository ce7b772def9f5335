"""Real notification receivers on 127.0.0.1: an SMTP server (aiosmtpd) and a webhook endpoint, each
keeping what it got with the time it arrived. Used by the alert tests and the alert benchmark."""

from __future__ import annotations

import json
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Webhook:
    """POSTs to any path are kept as (time, path, JSON body); the first `fail` answers are 500."""

    def __init__(self, fail: int = 0) -> None:
        self.got: list[tuple[float, str, dict[str, Any]]] = []
        self.fail = fail
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.cond:
                    if outer.fail > 0:
                        outer.fail -= 1
                        self.send_response(500)
                        self.end_headers()
                        return
                    outer.got.append((time.time(), self.path, json.loads(body or b"{}")))
                    outer.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook/s3cr3t-t0ken-xyz") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def wait(self, n: int, timeout: float = 20.0) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: len(self.got) >= n, timeout)

    def __enter__(self) -> Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Smtp:
    """An SMTP server keeping every message as (time, email.message.EmailMessage)."""

    def __init__(self) -> None:
        self.got: list[tuple[float, Any]] = []
        self.cond = threading.Condition()
        self.port = free_port()
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = message_from_bytes(envelope.content, policy=policy.default)
                with outer.cond:
                    outer.got.append((time.time(), msg))
                    outer.cond.notify_all()
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=onrecord@example.org&to=desk@example.org&mode=insecure"

    def wait(self, n: int, timeout: float = 20.0) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: len(self.got) >= n, timeout)

    def __enter__(self) -> Smtp:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
