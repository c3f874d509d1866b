"""Graceful shutdown: SIGTERM/SIGINT finish requests in flight, close idle ones, refuse new ones."""
import hashlib
import os
import signal
import socket
import time

from conftest import HOST, parse_response, scaled, wait_until

MIB = 1024 * 1024


def slow_download(port, path, rcvbuf=65536):
    """A connection with a small receive buffer that asked for path and reads nothing yet."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(scaled(10))
    sock.connect((HOST, port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    return sock


def read_response(sock, pause=0.0):
    """Head and body of one response (framed by Content-Length), read in small steps."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed in the head: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(parse_response(head + b"\r\n\r\n", head=True).headers["Content-Length"])
    parts, got = [body], len(body)
    while got < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
        if pause:
            time.sleep(pause)
    return head, b"".join(parts)


def refused(port):
    """True when a new connection is refused, or closed without an answer."""
    try:
        with socket.create_connection((HOST, port), timeout=scaled(2)) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            return s.recv(100) == b""
    except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError):
        return True


def read_response_continuing(sock, already, pause):
    """read_response() for a response whose first bytes were read already."""
    class Prefixed:
        def __init__(self):
            self.pending = already

        def recv(self, n):
            if self.pending:
                out, self.pending = self.pending[:n], self.pending[n:]
                return out
            return sock.recv(n)
    return read_response(Prefixed(), pause)


def test_sigterm_lets_a_slow_download_finish(guise):
    content = os.urandom(20 * MIB)
    guise.site.file("big.bin", content)
    guise.start()

    sock = slow_download(guise.port, "/big.bin")
    try:
        first = b""
        while len(first) < MIB:
            chunk = sock.recv(65536)
            assert chunk, "closed early"
            first += chunk
        guise.signal(signal.SIGTERM)
        time.sleep(0.3)
        assert guise.proc.poll() is None, "guise exited with a response in flight"
        head, body = read_response_continuing(sock, first, pause=0.002)
        assert sock.recv(100) == b"", "the connection stayed open after the response"
    finally:
        sock.close()

    assert head.startswith(b"HTTP/1.1 200 ")
    assert len(body) == len(content)
    assert hashlib.sha256(body).digest() == hashlib.sha256(content).digest()
    assert guise.wait(scaled(5)) == 0


def test_sigterm_closes_idle_keepalive_connections_promptly(guise):
    guise.site.file("f.txt", "f")
    guise.start()
    idle = []
    for i in range(6):
        c = guise.connect(timeout=scaled(10))
        if i % 2 == 0:
            c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            assert c.response().status == 200
        idle.append(c)

    start = time.monotonic()
    guise.signal(signal.SIGTERM)
    status = guise.wait(scaled(3))
    elapsed = time.monotonic() - start

    assert status == 0, f"exit status {status} after {elapsed:.2f} s"
    for c in idle:
        assert c.read_until_close(scaled(2)) == b""


def test_sigint_stops_too(guise):
    guise.site.file("f.txt", "f")
    guise.start()
    assert guise.get("/f.txt").status == 200

    guise.signal(signal.SIGINT)

    assert guise.wait(scaled(3)) == 0


def test_new_connections_are_refused_after_sigterm(guise):
    content = b"\x5a" * (8 * MIB)
    guise.site.file("big.bin", content)
    guise.start()

    sock = slow_download(guise.port, "/big.bin", rcvbuf=4096)
    try:
        time.sleep(0.2)
        guise.signal(signal.SIGTERM)
        assert wait_until(lambda: refused(guise.port), scaled(3), 0.05), \
            "still accepting connections after SIGTERM"
        assert guise.proc.poll() is None, "guise exited with a response in flight"
        head, body = read_response(sock)
    finally:
        sock.close()

    assert head.startswith(b"HTTP/1.1 200 ")
    assert body == content
    assert guise.wait(scaled(5)) == 0


def test_request_half_received_at_sigterm_is_answered(guise):
    guise.site.file("f.txt", "in flight")
    guise.start()

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n")
        time.sleep(0.2)
        guise.signal(signal.SIGTERM)
        time.sleep(0.3)
        c.send(b"\r\n")
        r = c.response()
        assert (r.status, r.body) == (200, b"in flight")
        assert r.headers["Connection"].lower() == "close"
        assert c.read_until_close() == b""

    assert guise.wait(scaled(5)) == 0


def test_shutdown_timeout_cuts_a_client_that_does_not_read(guise):
    guise.site.file("big.bin", b"\x00" * (20 * MIB))
    guise.start("--shutdown-timeout", "1")

    sock = slow_download(guise.port, "/big.bin", rcvbuf=4096)
    try:
        time.sleep(0.2)
        start = time.monotonic()
        guise.signal(signal.SIGTERM)
        status = guise.wait(scaled(6))
        elapsed = time.monotonic() - start
    finally:
        sock.close()

    assert status == 0, f"exit status {status}"
    assert 0.5 < elapsed < scaled(4), f"exited after {elapsed:.2f} s"


def test_sighup_is_not_fatal(guise):
    guise.site.file("f.txt", "still here")
    guise.start()

    guise.signal(signal.SIGHUP)
    time.sleep(0.2)

    assert guise.proc.poll() is None
    assert guise.get("/f.txt").body == b"still here"
