"""Many connections at once, the connection cap, and running out of file descriptors."""
import resource
import select
import selectors
import socket
import time

import pytest

from conftest import HOST, parse_response, scaled, wait_until


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {want}")
    if soft == resource.RLIM_INFINITY or soft >= want:
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def open_sockets(port, n, timeout):
    socks = []
    try:
        for _ in range(n):
            socks.append(socket.create_connection((HOST, port), timeout=timeout))
    except BaseException:
        for s in socks:
            s.close()
        raise
    return socks


def serves_again(guise, path, body):
    def ok():
        try:
            r = guise.get(path, timeout=scaled(2))
        except OSError:
            return False
        return r.status == 200 and r.body == body
    return wait_until(ok, scaled(5), 0.1)


def test_1000_concurrent_connections(guise):
    n = 1000
    raise_fd_limit(n + 200)
    bodies = {}
    for i in range(10):
        bodies[i] = f"file {i} ".encode() * (100 * (i + 1))
        guise.site.file(f"f{i}.txt", bodies[i])
    guise.start()

    socks = open_sockets(guise.port, n, scaled(10))  # all open before any request
    sel = selectors.DefaultSelector()
    received = {}
    try:
        for i, s in enumerate(socks):
            s.sendall(f"GET /f{i % 10}.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                      .encode())
        for i, s in enumerate(socks):
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
            received[i] = bytearray()
        open_count = n
        deadline = time.monotonic() + scaled(30)
        while open_count and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                i = key.data
                try:
                    chunk = key.fileobj.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except ConnectionResetError:
                    chunk = b""
                if chunk:
                    received[i] += chunk
                else:
                    sel.unregister(key.fileobj)
                    open_count -= 1
    finally:
        sel.close()
        for s in socks:
            s.close()

    assert open_count == 0, f"{open_count} connections still open at the deadline"
    wrong = []
    for i in range(n):
        try:
            r = parse_response(bytes(received[i]))
            if r.status != 200 or r.body != bodies[i % 10]:
                wrong.append((i, r.status, len(r.body)))
        except Exception as e:  # an incomplete or garbled response
            wrong.append((i, repr(e)[:100]))
    assert not wrong, f"{len(wrong)} of {n} failed, e.g. {wrong[:5]}"


def test_max_connections_cap_gets_503_then_recovers(guise):
    guise.site.file("f.txt", "capped")
    guise.start("--threads", "1", "--max-connections", "10")

    held = open_sockets(guise.port, 10, scaled(5))
    try:
        for s in held:
            s.sendall(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            assert s.recv(65536).startswith(b"HTTP/1.1 200 ")
        for _ in range(3):
            # The refusal comes at once, before any request: read, do not write.
            with socket.create_connection((HOST, guise.port), timeout=scaled(5)) as extra:
                data = b""
                while True:
                    chunk = extra.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            r = parse_response(data)
            assert r.status == 503, r
            assert r.headers["Connection"].lower() == "close"
    finally:
        for s in held:
            s.close()

    assert serves_again(guise, "/f.txt", b"capped"), "no service after the connections closed"


def test_max_connections_counts_all_loops_together(guise):
    guise.site.file("f.txt", "capped")
    guise.start("--threads", "2", "--max-connections", "10")

    socks = open_sockets(guise.port, 24, scaled(5))
    statuses = []
    try:
        time.sleep(scaled(0.5))  # refusals arrive unasked
        for s in socks:
            readable, _, _ = select.select([s], [], [], 0)
            try:
                if not readable:
                    s.sendall(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
                head = s.recv(65536)
                statuses.append(int(head.split(b" ")[1]) if head else "closed")
            except (ConnectionResetError, BrokenPipeError):
                statuses.append("closed")  # refused before its 503 was read
    finally:
        for s in socks:
            s.close()

    assert set(statuses) <= {200, 503, "closed"}, statuses
    assert statuses.count(200) <= 10, statuses
    assert statuses.count(503) + statuses.count("closed") >= 14, statuses
    assert statuses.count(503) >= 1, statuses
    assert serves_again(guise, "/f.txt", b"capped")


def test_running_out_of_descriptors_does_not_spin(guise):
    guise.site.file("f.txt", "fd limit")
    guise.start("--max-connections", "1000", nofile=64)

    socks = open_sockets(guise.port, 100, scaled(5))
    try:
        assert wait_until(lambda: "Too many open files" in guise.stderr(), scaled(5)), \
            "guise never ran out of descriptors: the test tests nothing"
        time.sleep(0.3)
        before, t0 = guise.cpu_seconds(), time.monotonic()
        time.sleep(2)
        used = guise.cpu_seconds() - before
        wall = time.monotonic() - t0
    finally:
        for s in socks:
            s.close()

    assert used < 0.3 * wall, f"{used:.2f} s of CPU in {wall:.2f} s with the accept queue full"
    assert serves_again(guise, "/f.txt", b"fd limit"), "no service after the connections closed"
