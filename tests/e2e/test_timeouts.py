"""Slow clients: header timeout (not reset by trickling bytes), body and send timeouts."""
import select
import socket
import struct
import time

from conftest import parse_response, scaled

BODY = b"timeouts\n"


def test_half_a_request_line_gets_408_and_close(guise):
    guise.site.file("f.txt", BODY)
    guise.start("--header-timeout", "1")

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HT")
        start = time.monotonic()
        data = c.read_until_close()
        elapsed = time.monotonic() - start

    assert parse_response(data).status == 408
    assert 0.5 < elapsed < scaled(4), f"closed after {elapsed:.2f} s"


def test_headers_without_the_end_get_408(guise):
    guise.site.file("f.txt", BODY)
    guise.start("--header-timeout", "500ms")

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n")
        start = time.monotonic()
        data = c.read_until_close()
        elapsed = time.monotonic() - start

    assert parse_response(data).status == 408
    assert elapsed < scaled(3), f"closed after {elapsed:.2f} s"


def test_slowloris_is_cut_and_others_are_served(guise):
    guise.site.file("f.txt", BODY)
    guise.start("--header-timeout", "1")

    sock = socket.create_connection(("127.0.0.1", guise.port), timeout=scaled(5))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    received = b""
    served_meanwhile = []
    try:
        sock.sendall(b"G")
        start = time.monotonic()
        trickle = b"ET /f.txt HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"s" * 1000
        closed_at = None
        for i, byte in enumerate(trickle):
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                chunk = sock.recv(65536)
                received += chunk
                if not chunk:
                    closed_at = time.monotonic() - start
                    break
            if time.monotonic() - start > scaled(8):
                break
            try:
                sock.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic() - start
                break
            if i == 3:
                # another client, while this one trickles
                t = time.monotonic()
                r = guise.get("/f.txt", timeout=scaled(5))
                served_meanwhile.append((r.status, r.body, time.monotonic() - t))
    finally:
        sock.close()

    assert closed_at is not None, "the slow client was never cut off"
    assert closed_at < scaled(3), f"cut after {closed_at:.2f} s: trickling reset the timeout?"
    assert received.startswith(b"HTTP/1.1 408 "), received[:100]
    assert served_meanwhile and served_meanwhile[0][:2] == (200, BODY)
    assert served_meanwhile[0][2] < scaled(2)


def test_many_slow_clients_do_not_block_others(guise):
    guise.site.file("f.txt", BODY)
    guise.start("--header-timeout", "2")

    slow = [guise.connect(timeout=scaled(10)) for _ in range(50)]
    for c in slow:
        c.send(b"GET /f.txt HTTP/1.1\r\nHo")
    for _ in range(5):
        r = guise.get("/f.txt", timeout=scaled(3))
        assert (r.status, r.body) == (200, BODY)
    for c in slow:
        assert parse_response(c.read_until_close()).status == 408
        c.close()


def test_header_timeout_does_not_cut_an_idle_keepalive_connection(guise):
    guise.site.file("f.txt", BODY)
    guise.start("--header-timeout", "500ms", "--keepalive-timeout", "30")

    with guise.connect() as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        assert c.response().status == 200
        time.sleep(1.2)
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        r = c.response()
    assert (r.status, r.body) == (200, BODY)


def test_slow_request_body_is_cut(guise):
    guise.site.file("f.txt", BODY)
    guise.start("--header-timeout", "1")

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"POST /f.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
        assert c.response().status == 405
        start = time.monotonic()
        assert c.read_until_close() == b""
        elapsed = time.monotonic() - start
    assert elapsed < scaled(4), f"closed after {elapsed:.2f} s"


def test_client_that_stops_reading_is_cut_by_send_timeout(guise):
    size = 20 * 1024 * 1024
    guise.site.file("big.bin", b"\xab" * size)
    guise.start("--send-timeout", "1")

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(scaled(10))
    try:
        sock.connect(("127.0.0.1", guise.port))
        sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        time.sleep(3)  # reads nothing: the server makes no progress for > 1 s
        got, start = 0, time.monotonic()
        while True:
            try:
                chunk = sock.recv(1 << 20)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += len(chunk)
        elapsed = time.monotonic() - start
    finally:
        sock.close()

    assert got < size, "the whole file arrived: nothing was cut"
    assert elapsed < scaled(5)
    r = guise.get("/big.bin", headers={"Range": "bytes=0-3"})
    assert (r.status, r.body) == (206, b"\xab" * 4)


def test_client_that_disconnects_mid_response_does_not_hurt(guise):
    guise.site.file("big.bin", b"\x01" * (20 * 1024 * 1024))
    guise.site.file("f.txt", BODY)
    guise.start()

    for _ in range(5):
        with guise.connect() as c:
            c.send(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
            c.sock.recv(65536)
            # close with unread data: the server's next write meets a reset
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    r = guise.get("/f.txt")
    assert (r.status, r.body) == (200, BODY)
