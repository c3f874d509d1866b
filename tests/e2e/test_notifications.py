"""
Notifications as a loaded module hears them: tests/e2e/modules/probe.c (test_probe.so) records
every request and global notification in $GUISE_PROBE_LOG, one line each, and its /probe/...
URLs make it use the module API (PENDING and both completions, entity reads, MAP_PATH, custom
notifications, tracing, configuration and file changes, ReportUnhealthy, server variables,
request headers, flushing).  Every notification asserted here is raised by something real: a
request, a signal, shutdown, or one of those API calls.  GL_CACHE_OPERATION and
GL_CACHE_CLEANUP come with the caches, not yet built.
"""
import http.client
import signal
import threading
import time
from pathlib import Path

import pytest

from conftest import GUISE_BIN, HOST, scaled, wait_until

PROBE = Path(GUISE_BIN).resolve().parent / "modules" / "test_probe.so"

STAGES = [
    "BEGIN_REQUEST",
    "AUTHENTICATE_REQUEST",
    "AUTHORIZE_REQUEST",
    "RESOLVE_REQUEST_CACHE",
    "MAP_REQUEST_HANDLER",
    "ACQUIRE_REQUEST_STATE",
    "PRE_EXECUTE_REQUEST_HANDLER",
    "EXECUTE_REQUEST_HANDLER",
    "RELEASE_REQUEST_STATE",
    "UPDATE_REQUEST_CACHE",
    "LOG_REQUEST",
    "END_REQUEST",
]

REQUEST_NOTIFICATIONS = (
    [f"RQ {s}" for s in STAGES] + [f"POST {s}" for s in STAGES]
    + ["RQ SEND_RESPONSE", "RQ MAP_PATH", "RQ READ_ENTITY", "RQ CUSTOM_NOTIFICATION"])

GLOBAL_NOTIFICATIONS = [
    "GL PRE_BEGIN_REQUEST",
    "GL STOP_LISTENING",
    "GL APPLICATION_START",
    "GL APPLICATION_STOP",
    "GL THREAD_CLEANUP",
    "GL HEALTH_CHECK",
    "GL TRACE_EVENT",
    "GL CUSTOM_NOTIFICATION",
    "GL CONFIGURATION_CHANGE",
    "GL FILE_CHANGE",
]


def full_sequence(url):
    """What the probe hears of a request nobody finishes early: PRE_BEGIN_REQUEST, every stage
    and its post-event in order, the response between UPDATE_REQUEST_CACHE and LOG_REQUEST,
    and Dispose at the end."""
    seq = [f"GL PRE_BEGIN_REQUEST {url}"]
    for stage in STAGES:
        if stage == "LOG_REQUEST":
            seq.append(f"RQ SEND_RESPONSE {url} flags=0x0")
        seq += [f"RQ {stage} {url}", f"POST {stage} {url}"]
    return seq + [f"DISPOSE {url}"]


def finished_sequence(url, last):
    """A request finished (FINISH_REQUEST) in `last` (a line of its sequence): the response,
    LOG_REQUEST and END_REQUEST with their post-events, Dispose."""
    seq = full_sequence(url)
    return seq[:seq.index(last) + 1] + [
        f"RQ SEND_RESPONSE {url} flags=0x0",
        f"RQ LOG_REQUEST {url}", f"POST LOG_REQUEST {url}",
        f"RQ END_REQUEST {url}", f"POST END_REQUEST {url}",
        f"DISPOSE {url}",
    ]


def insert_after(seq, anchor, *lines):
    i = seq.index(anchor) + 1
    return seq[:i] + list(lines) + seq[i:]


class Probe:
    """The server with the probe loaded, and the probe's log."""

    def __init__(self, guise, log: Path):
        self.guise = guise
        self.log = log
        self.server = None

    def start(self, *args, threads=2):
        assert PROBE.exists(), f"{PROBE} not built: run 'make build'"
        self.server = self.guise.start("--threads", threads, "--module", f"probe={PROBE}", *args)
        self.wait_for("GL APPLICATION_START")
        return self.server

    def lines(self):
        """Every whole line so far."""
        text = self.log.read_text() if self.log.exists() else ""
        return text[:text.rfind("\n") + 1].splitlines()

    def wait_for(self, prefix, count=1, timeout=None):
        """The lines once `count` of them start with prefix (fails after the timeout)."""
        found = wait_until(lambda: sum(1 for x in self.lines() if x.startswith(prefix)) >= count,
                           timeout or scaled(10))
        assert found, f"no {count} x {prefix!r} in the probe's log:\n" + "\n".join(self.lines())
        return self.lines()

    def of(self, url):
        """The lines of the requests for url (the URL is a word of each), once they ended."""
        done = f"DISPOSE {url}"
        found = wait_until(lambda: done in self.lines(), scaled(10))
        assert found, f"no {done!r} in the probe's log:\n" + "\n".join(self.lines())
        return [x for x in self.lines() if url in x.split()]

    def get(self, path, headers=None):
        return self.server.get(path, headers=headers)


@pytest.fixture
def probe(guise, tmp_path, monkeypatch):
    log = tmp_path / "probe.log"
    monkeypatch.setenv("GUISE_PROBE_LOG", str(log))
    return Probe(guise, log)


def assert_sequence(actual, expected):
    assert actual == expected, "\n".join(
        ["expected:", *expected, "", "actual:", *actual])


# ---- one request, stage by stage -------------------------------------------------------------


def test_one_request_hears_every_stage_then_its_post_event(probe):
    probe.start()

    r = probe.get("/probe/order")

    assert (r.status, r.body) == (200, b"order\n")
    assert_sequence(probe.of("/probe/order"), full_sequence("/probe/order"))


def test_a_static_file_request_maps_its_path(probe, site):
    site.file("a.txt", "static\n")
    probe.start()

    r = probe.get("/a.txt")

    assert (r.status, r.body) == (200, b"static\n")
    lines = probe.of("/a.txt")
    mapped = [x for x in lines if x.startswith("RQ MAP_PATH ")]
    assert mapped == [f"RQ MAP_PATH /a.txt url=/a.txt physical={site.root.resolve()}/a.txt"]
    # The handler maps the path while it runs, and the request still logs and ends.
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /a.txt") < lines.index(mapped[0])
    assert lines[-5:] == ["RQ LOG_REQUEST /a.txt", "POST LOG_REQUEST /a.txt",
                          "RQ END_REQUEST /a.txt", "POST END_REQUEST /a.txt", "DISPOSE /a.txt"]


def test_finish_request_from_authenticate_skips_to_log_and_end(probe):
    probe.start()

    r = probe.get("/probe/finish")

    assert (r.status, r.body) == (403, b"finished at authenticate\n")
    assert_sequence(probe.of("/probe/finish"),
                    finished_sequence("/probe/finish", "RQ AUTHENTICATE_REQUEST /probe/finish"))


def test_a_request_the_core_refuses_is_only_logged_and_ended(probe):
    probe.start()

    data = probe.server.raw(b"GET /probe/order HTTP/1.1\r\nHost: t\r\n"
                            b"Transfer-Encoding: gzip\r\n\r\n")

    assert data.startswith(b"HTTP/1.1 400 "), data
    # The core answered (and sent) it: no PRE_BEGIN_REQUEST, no stage before LOG_REQUEST, no
    # SEND_RESPONSE; the log and the end still hear of it.
    assert_sequence(probe.of("/probe/order"), [
        "RQ LOG_REQUEST /probe/order", "POST LOG_REQUEST /probe/order",
        "RQ END_REQUEST /probe/order", "POST END_REQUEST /probe/order",
        "DISPOSE /probe/order",
    ])


# ---- PENDING and the two ways back ---------------------------------------------------------------


def test_pending_then_indicate_completion_from_another_thread(probe):
    probe.start()

    r = probe.get("/probe/pending")

    assert (r.status, r.body) == (200, b"pending done\n")
    expected = insert_after(full_sequence("/probe/pending"), "RQ BEGIN_REQUEST /probe/pending",
                            "THREAD IndicateCompletion /probe/pending")
    assert_sequence(probe.of("/probe/pending"), expected)


@pytest.mark.parametrize("query, anchor, post, nbytes", [
    ("", "RQ BEGIN_REQUEST", 0, 42),
    ("?post=1", "POST BEGIN_REQUEST", 1, 17),
])
def test_pending_then_post_completion_calls_on_async_completion(probe, query, anchor, post,
                                                                 nbytes):
    url = "/probe/post"
    probe.start()

    r = probe.get(url + query)

    assert r.status == 200
    assert r.body == f"post notification=0x1 post={post} bytes={nbytes}\n".encode()
    expected = insert_after(full_sequence(url), f"{anchor} {url}",
                            f"THREAD PostCompletion({nbytes}) {url}",
                            f"ASYNC BEGIN_REQUEST post={post} bytes={nbytes} status=0x0 {url}")
    assert_sequence(probe.of(url), expected)


def test_finish_request_from_on_async_completion_is_honoured(probe):
    url = "/probe/post"
    probe.start()

    r = probe.get(url + "?finish=1")

    assert (r.status, r.body) == (200, b"finished in completion\n")
    expected = insert_after(
        finished_sequence(url, f"RQ BEGIN_REQUEST {url}"), f"RQ BEGIN_REQUEST {url}",
        f"THREAD PostCompletion(42) {url}", f"ASYNC BEGIN_REQUEST post=0 bytes=42 status=0x0 {url}")
    assert_sequence(probe.of(url), expected)


def test_concurrent_pending_requests_keep_their_own_order(probe):
    probe.start(threads=2)
    urls = [f"/probe/pending/{i}" for i in range(16)]
    results = {}

    def fetch(url):
        results[url] = probe.get(url)

    workers = [threading.Thread(target=fetch, args=(u,)) for u in urls]
    for w in workers:
        w.start()
    for w in workers:
        w.join(scaled(30))

    for url in urls:
        assert (results[url].status, results[url].body) == (200, b"pending done\n")
        expected = insert_after(full_sequence(url), f"RQ BEGIN_REQUEST {url}",
                                f"THREAD IndicateCompletion {url}")
        assert_sequence(probe.of(url), expected)
    # Lines from loops and completion threads never run into each other.
    known = ("REGISTERED", "RQ ", "POST ", "GL ", "THREAD ", "DISPOSE ", "ASYNC ")
    assert all(x.startswith(known) for x in probe.lines())


def test_pipelined_pending_requests_answer_in_order(probe):
    probe.start()

    with probe.server.connect() as c:
        c.send(b"GET /probe/pending/a HTTP/1.1\r\nHost: t\r\n\r\n"
               b"GET /probe/pending/b HTTP/1.1\r\nHost: t\r\n\r\n")
        first, second = c.response(), c.response()

    assert (first.status, first.body) == (200, b"pending done\n")
    assert (second.status, second.body) == (200, b"pending done\n")
    for url in ("/probe/pending/a", "/probe/pending/b"):
        expected = insert_after(full_sequence(url), f"RQ BEGIN_REQUEST {url}",
                                f"THREAD IndicateCompletion {url}")
        assert_sequence(probe.of(url), expected)
    # The second request starts once the first one is over.
    lines = probe.lines()
    assert lines.index("DISPOSE /probe/pending/a") < lines.index(
        "GL PRE_BEGIN_REQUEST /probe/pending/b")


def test_a_pending_request_whose_client_left_still_ends(probe):
    url = "/probe/pending/gone"
    probe.start()

    with probe.server.connect() as c:
        c.send(f"GET {url} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        probe.wait_for(f"RQ BEGIN_REQUEST {url}")
    # Closed while the module waits: the completion still takes the request to its end.

    expected = insert_after(full_sequence(url), f"RQ BEGIN_REQUEST {url}",
                            f"THREAD IndicateCompletion {url}")
    assert_sequence(probe.of(url), expected)
    assert probe.get("/probe/order").status == 200  # and the server goes on


def test_sigterm_lets_a_pending_request_finish(probe):
    url = "/probe/pending/term"
    probe.start()

    with probe.server.connect() as c:
        c.send(f"GET {url} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        probe.wait_for(f"RQ BEGIN_REQUEST {url}")
        probe.server.signal(signal.SIGTERM)
        r = c.response()

    assert (r.status, r.body) == (200, b"pending done\n")
    assert probe.server.wait(scaled(15)) == 0
    lines = probe.lines()
    assert lines.index(f"DISPOSE {url}") < lines.index("GL APPLICATION_STOP /LM/W3SVC/1/ROOT")
    assert lines.index("GL STOP_LISTENING graceful=1") < lines.index(
        "GL APPLICATION_STOP /LM/W3SVC/1/ROOT")


# ---- nondeterministic notifications --------------------------------------------------------------


def test_read_entity_for_each_synchronous_read(probe):
    body = bytes(range(256)) * 80  # 20 KiB: more than one read
    probe.start()

    r = probe.server.request("POST", "/probe/read", body=body)

    assert (r.status, r.body) == (200, body)
    lines = probe.of("/probe/read")
    reads = [i for i, x in enumerate(lines) if x == "RQ READ_ENTITY /probe/read"]
    assert len(reads) >= 2  # every call, the one that finds the end included
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /probe/read") < reads[0]
    assert reads[-1] < lines.index("POST EXECUTE_REQUEST_HANDLER /probe/read")


@pytest.mark.parametrize("url", ["/probe/read", "/probe/read-async"])
def test_reading_a_request_without_a_body_ends_at_once(probe, url):
    probe.start()

    r = probe.server.request("GET", url, timeout=scaled(2))  # the bug: 20 s

    assert (r.status, r.body) == (200, b"")
    assert not [x for x in probe.of(url) if x.startswith("READ error")]


def test_asynchronous_reads_complete_in_on_async_completion(probe):
    parts = [b"first part;", b"second part;", b"third"]
    body = b"".join(parts)
    probe.start()

    with probe.server.connect() as c:
        c.send(b"POST /probe/read-async HTTP/1.1\r\nHost: t\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body))
        for part in parts:
            time.sleep(scaled(0.2))  # the handler is waiting for these
            c.send(part)
        r = c.response()

    assert (r.status, r.body) == (200, body)
    lines = probe.of("/probe/read-async")
    done = [x for x in lines if x.startswith("ASYNC ")]
    assert done, "\n".join(lines)
    for x in done:
        assert x.startswith("ASYNC EXECUTE_REQUEST_HANDLER post=0 bytes="), x
    assert sum(int(x.split()[3][len("bytes="):]) for x in done) > 0
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /probe/read-async") < lines.index(done[0])
    assert lines.index(done[-1]) < lines.index("POST EXECUTE_REQUEST_HANDLER /probe/read-async")


def test_get_physical_path_raises_map_path(probe, site):
    probe.start()

    r = probe.get("/probe/map")

    physical = f"{site.root.resolve()}/probe/map"
    assert r.status == 200
    assert r.body == f"physical={physical}\ncch={len(physical)}\n".encode()
    expected = insert_after(full_sequence("/probe/map"), "RQ EXECUTE_REQUEST_HANDLER /probe/map",
                            f"RQ MAP_PATH /probe/map url=/probe/map physical={physical}")
    assert_sequence(probe.of("/probe/map"), expected)


def test_custom_notifications_request_and_global(probe):
    probe.start()

    r = probe.get("/probe/custom")

    assert (r.status, r.body) == (200, b"custom hr=0x0 completion=0 global=0\n")
    lines = probe.lines()
    rq = lines.index("RQ CUSTOM_NOTIFICATION /probe/custom type=probe.RequestCustom")
    gl = lines.index("GL CUSTOM_NOTIFICATION probe.GlobalCustom")
    # Both are raised synchronously, from the handler.
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /probe/custom") < rq < gl
    assert gl < lines.index("POST EXECUTE_REQUEST_HANDLER /probe/custom")


def test_quick_trace_raises_trace_event(probe):
    probe.start()

    r = probe.get("/probe/trace")

    assert (r.status, r.body) == (200, b"traced hr=0x0\n")
    lines = probe.wait_for("GL TRACE_EVENT")
    event = lines.index("GL TRACE_EVENT QuickTrace probe-trace")
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /probe/trace") < event
    assert event < lines.index("POST EXECUTE_REQUEST_HANDLER /probe/trace")


def test_configuration_and_file_change_notifications(probe):
    probe.start()

    r = probe.get("/probe/config")

    assert (r.status, r.body) == (200, b"config notified\n")
    probe.of("/probe/config")  # the request ended
    lines = probe.lines()
    config = lines.index("GL CONFIGURATION_CHANGE MACHINE/WEBROOT/APPHOST/probe")
    file = lines.index("GL FILE_CHANGE /probe/changed.txt")
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /probe/config") < config < file
    assert file < lines.index("POST EXECUTE_REQUEST_HANDLER /probe/config")


# ---- the request as modules change it ------------------------------------------------------------


def test_server_variables(probe):
    probe.start()

    r = probe.get("/probe/%76ars?a=1&b=two", headers={"User-Agent": "probe-agent/1.0"})

    assert r.status == 200
    assert r.body.decode().splitlines() == [
        "REQUEST_METHOD=GET",
        "URL=/probe/vars",
        "QUERY_STRING=a=1&b=two",
        "REMOTE_ADDR=127.0.0.1",
        f"SERVER_PORT={probe.server.port}",
        "HTTP_USER_AGENT=probe-agent/1.0",
        "UNENCODED_URL=/probe/%76ars?a=1&b=two",
    ]


def test_request_headers_changed_in_begin_are_seen_in_execute(probe):
    probe.start()

    r = probe.get("/probe/headers", headers={
        "User-Agent": "probe-agent/1.0",
        "X-Probe-Replace": "original",
        "X-Probe-Delete": "doomed",
        "X-Probe-Append": "first",
    })

    assert r.status == 200
    assert r.body.decode().splitlines() == [
        "X-Probe-Added=added-in-begin",
        "X-Probe-Replace=replaced",
        "X-Probe-Delete=<none>",
        "X-Probe-Append=first, second",
        "User-Agent=probe-agent/2.0",
        "HTTP_X_PROBE_ADDED=added-in-begin",
    ]


# ---- flushing ------------------------------------------------------------------------------------


STREAMED = b"part 0\npart 1\npart 2\npart 3\n"


def read_chunked(conn):
    """The body of a chunked response whose head conn.response(head=True) has read."""
    body = b""
    while True:
        size_line = conn.reader.until(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            assert conn.reader.until(b"\r\n") == b"\r\n"  # no trailers
            return body
        body += conn.reader.exactly(size)
        assert conn.reader.exactly(2) == b"\r\n"


def test_flushed_response_is_chunked_and_the_connection_kept(probe):
    probe.start()

    with probe.server.connect() as c:
        c.send(b"GET /probe/stream HTTP/1.1\r\nHost: t\r\n\r\n")
        head = c.response(head=True)  # the head only: the body is chunked
        assert head.status == 200
        assert head.headers.get("Transfer-Encoding") == "chunked"
        assert "Content-Length" not in head.headers
        assert read_chunked(c) == STREAMED

        c.send(b"GET /probe/order HTTP/1.1\r\nHost: t\r\n\r\n")
        after = c.response()
        assert (after.status, after.body) == (200, b"order\n")

    # Every flush sent with "more data" (HTTP_SEND_RESPONSE_FLAG_MORE_DATA), then the end.
    sends = [x for x in probe.of("/probe/stream") if x.startswith("RQ SEND_RESPONSE")]
    assert sends == ["RQ SEND_RESPONSE /probe/stream flags=0x2"] * 4 + [
        "RQ SEND_RESPONSE /probe/stream flags=0x0"]


def test_flushed_response_with_http_client(probe):
    probe.start()
    conn = http.client.HTTPConnection(HOST, probe.server.port, timeout=scaled(10))
    try:
        for _ in range(2):
            conn.request("GET", "/probe/stream")
            r = conn.getresponse()
            assert r.status == 200
            assert r.read() == STREAMED
        conn.request("GET", "/probe/order")
        r = conn.getresponse()
        assert (r.status, r.read()) == (200, b"order\n")
    finally:
        conn.close()


def test_flushed_response_to_http_1_0_ends_with_the_connection(probe):
    probe.start()

    data = probe.server.raw(b"GET /probe/stream HTTP/1.0\r\n\r\n")

    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), head
    assert b"chunked" not in head.lower()
    assert body == STREAMED


def test_suppressed_headers_leave_the_body_alone_then_close(probe):
    probe.start()

    # Keep-alive asked for, and a second request pipelined: nothing can frame a raw
    # response, so the connection ends after it.
    data = probe.server.raw(b"GET /probe/raw HTTP/1.1\r\nHost: x\r\n\r\n"
                            b"GET /probe/order HTTP/1.1\r\nHost: x\r\n\r\n")

    assert data == b"RAW RESPONSE\r\nwritten by the module\r\n"


# ---- the process's life --------------------------------------------------------------------------


def test_sigusr1_raises_reopen_logs(probe):
    probe.start()

    probe.server.signal(signal.SIGUSR1)

    probe.wait_for("GL CUSTOM_NOTIFICATION guise.ReopenLogs")
    probe.server.signal(signal.SIGUSR1)
    lines = probe.wait_for("GL CUSTOM_NOTIFICATION guise.ReopenLogs", count=2)
    assert lines.count("GL CUSTOM_NOTIFICATION guise.ReopenLogs") == 2


def test_start_and_stop_in_order(probe):
    probe.start(threads=3)
    assert probe.get("/probe/order").status == 200
    probe.of("/probe/order")

    assert probe.server.stop() == 0

    lines = probe.lines()
    globals_ = [x for x in lines if x.startswith("GL ") and "PRE_BEGIN_REQUEST" not in x]
    assert lines[0] == "REGISTERED"
    assert globals_[0] == "GL APPLICATION_START /LM/W3SVC/1/ROOT"
    assert globals_[1:] == [
        "GL STOP_LISTENING graceful=1",
        "GL THREAD_CLEANUP",  # once per loop thread
        "GL THREAD_CLEANUP",
        "GL THREAD_CLEANUP",
        "GL APPLICATION_STOP /LM/W3SVC/1/ROOT",
        "GL TERMINATE",
    ]
    assert lines[-1] == "FACTORY TERMINATE"
    # The request ended before the server stopped listening.
    assert lines.index("DISPOSE /probe/order") < lines.index("GL STOP_LISTENING graceful=1")


def test_report_unhealthy_raises_health_check_then_drains_and_exits_3(probe):
    probe.start()

    r = probe.get("/probe/unhealthy")

    assert (r.status, r.body) == (200, b"unhealthy reported\n")
    assert probe.server.wait(scaled(20)) == 3
    lines = probe.lines()
    health = lines.index("GL HEALTH_CHECK")
    assert lines.index("RQ EXECUTE_REQUEST_HANDLER /probe/unhealthy") < health
    assert health < lines.index("POST EXECUTE_REQUEST_HANDLER /probe/unhealthy")
    # The request in flight finished; then the ordinary stop.
    stop = lines.index("GL STOP_LISTENING graceful=1")
    app_stop = lines.index("GL APPLICATION_STOP /LM/W3SVC/1/ROOT")
    assert health < stop < app_stop
    assert lines.index("DISPOSE /probe/unhealthy") < app_stop
    assert lines[-2:] == ["GL TERMINATE", "FACTORY TERMINATE"]


def test_every_notification_is_raised_by_something_real(probe, site):
    site.file("a.txt", "static\n")
    probe.start()

    assert probe.get("/probe/order").status == 200  # every stage, post-events, SEND_RESPONSE
    assert probe.get("/a.txt").status == 200  # MAP_PATH, by the static file handler
    assert probe.server.request("POST", "/probe/read", body=b"x" * 10).status == 200
    assert probe.get("/probe/custom").status == 200
    assert probe.get("/probe/trace").status == 200
    assert probe.get("/probe/config").status == 200
    probe.server.signal(signal.SIGUSR1)
    probe.wait_for("GL CUSTOM_NOTIFICATION guise.ReopenLogs")
    assert probe.get("/probe/unhealthy").status == 200
    assert probe.server.wait(scaled(20)) == 3

    heard = {" ".join(x.split()[:2]) for x in probe.lines()}
    missing = [n for n in REQUEST_NOTIFICATIONS + GLOBAL_NOTIFICATIONS if n not in heard]
    assert not missing, f"never raised: {missing}"
