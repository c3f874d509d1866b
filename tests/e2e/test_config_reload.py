"""
SIGHUP re-reads the --config file: a good file is put in force for new
requests (sites, hosts, ports, sections), a bad one is refused with its
file:line and the configuration in force stays, and no request is dropped
while reloads come and go.
"""
import http.client
import signal
import socket
import threading

import pytest

from conftest import (HOST, config_xml, parse_response, parse_w3c, scaled, site_xml,
                      wait_until)

RELOADED = "configuration reloaded"
REFUSED = "reload refused"


def reload(guise, config=None) -> str:
    """
    Writes config (if given) over the file of the server started last, sends
    it SIGHUP and waits until it says how it went: "reloaded" or "refused".
    """
    server = guise.servers[-1]
    if config is not None:
        guise.write_config(config)
    err = server.stderr()
    before = (err.count(RELOADED), err.count(REFUSED))
    server.signal(signal.SIGHUP)

    def outcome():
        err = server.stderr()
        if err.count(RELOADED) > before[0]:
            return "reloaded"
        if err.count(REFUSED) > before[1]:
            return "refused"
        return None

    result = wait_until(outcome, scaled(10), 0.005)
    assert result, f"no word from guise after SIGHUP:\n{server.stderr()}"
    return result


def get(server, path, host, port=None):
    """GET on a new connection with Connection: close; the response."""
    with socket.create_connection((HOST, port or server.port), timeout=scaled(5)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return parse_response(data)


def refused(port):
    try:
        socket.create_connection((HOST, port), timeout=scaled(2)).close()
        return False
    except ConnectionRefusedError:
        return True


def free_ports(n):
    """n distinct ports free on 127.0.0.1 now."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    return free_ports(1)[0]


def roots(tmp_path, **bodies):
    out = {}
    for name, body in bodies.items():
        d = tmp_path / name
        d.mkdir(parents=True, exist_ok=True)
        (d / "f.txt").write_text(body)
        out[name] = d
    return out


# ---- good reloads ----------------------------------------------------------------------


def test_reload_adds_a_site_and_removes_a_host(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b", c="site c")
    a = site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])
    guise.start_config(config_xml(a, site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"])))
    port = guise.port
    assert get(guise, "/f.txt", "c.example").status == 400

    c = site_xml("C", 3, r["c"], ["127.0.0.1:0:c.example"])
    assert reload(guise, config_xml(a, c)) == "reloaded"

    assert get(guise, "/f.txt", "c.example").body == b"site c"
    assert get(guise, "/f.txt", "b.example").status == 400
    assert get(guise, "/f.txt", "a.example").body == b"site a"
    assert guise.addresses()[-1] == f"127.0.0.1:{port}", "port 0 keeps its port"
    assert "configuration reloaded: 2 sites" in guise.stderr()


def test_reload_applies_to_the_next_request_of_an_open_connection(guise, tmp_path):
    r = roots(tmp_path, a="site a", a2="site a, moved", b="site b")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"])))
    conn = http.client.HTTPConnection(HOST, guise.port, timeout=scaled(5))
    try:
        conn.request("GET", "/f.txt", headers={"Host": "a.example"})
        assert conn.getresponse().read() == b"site a"

        moved = site_xml("A", 1, r["a2"], ["127.0.0.1:0:a.example"])
        assert reload(guise, config_xml(moved)) == "reloaded"

        conn.request("GET", "/f.txt", headers={"Host": "a.example"})
        assert conn.getresponse().read() == b"site a, moved"
        conn.request("GET", "/f.txt", headers={"Host": "b.example"})
        rsp = conn.getresponse()
        rsp.read()
        assert rsp.status == 400
    finally:
        conn.close()


def test_reload_opens_a_new_port_and_closes_a_removed_one(guise, tmp_path):
    r = roots(tmp_path, a="site a", n="on the new port")
    a = site_xml("A", 1, r["a"], ["127.0.0.1:0:"])
    guise.start_config(config_xml(a))
    new_port = free_port()
    assert refused(new_port)

    n = site_xml("N", 2, r["n"], [f"127.0.0.1:{new_port}:"])
    assert reload(guise, config_xml(a, n)) == "reloaded"

    assert wait_until(lambda: not refused(new_port), scaled(5)), "the new port does not listen"
    assert get(guise, "/f.txt", "x", new_port).body == b"on the new port"
    assert get(guise, "/f.txt", "x").body == b"site a"
    assert f"127.0.0.1:{new_port}" in guise.addresses()

    assert reload(guise, config_xml(a)) == "reloaded"

    assert wait_until(lambda: refused(new_port), scaled(5)), "the removed port still listens"
    assert get(guise, "/f.txt", "x").body == b"site a"


def test_reload_moves_a_site_to_another_port(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    first, second = free_ports(2)
    guise.start_config(config_xml(site_xml("A", 1, r["a"], [f"127.0.0.1:{first}:"])))
    assert get(guise, "/f.txt", "x", first).body == b"site a"

    moved = site_xml("A", 1, r["a"], [f"127.0.0.1:{second}:"])
    assert reload(guise, config_xml(moved)) == "reloaded"

    assert wait_until(lambda: refused(first), scaled(5))
    assert get(guise, "/f.txt", "x", second).body == b"site a"


def test_reload_changes_sections(guise, tmp_path):
    root = tmp_path / "sections"
    (root / "d").mkdir(parents=True)
    (root / "d" / "index.html").write_text("index")
    (root / "d" / "home.htm").write_text("home")
    (root / "f.gsx").write_text("g")
    site = site_xml("S", 1, root)
    guise.start_config(config_xml(site, web_server=(
        '<defaultDocument><files><add value="index.html"/></files></defaultDocument>'
        '<staticContent><mimeMap fileExtension=".gsx" mimeType="application/x-one"/>'
        '<clientCache cacheControlMode="DisableCache"/></staticContent>')))
    assert guise.get("/d/").body == b"index"
    assert guise.get("/f.gsx").headers["Content-Type"] == "application/x-one"

    assert reload(guise, config_xml(site, web_server=(
        '<defaultDocument><files><add value="home.htm"/></files></defaultDocument>'
        '<staticContent><mimeMap fileExtension=".gsx" mimeType="application/x-two"/>'
        '<clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="00:00:42"/>'
        '</staticContent>'))) == "reloaded"

    assert guise.get("/d/").body == b"home"
    f = guise.get("/f.gsx")
    assert f.headers["Content-Type"] == "application/x-two"
    assert f.headers["Cache-Control"] == "max-age=42"


def test_reload_turns_directory_browsing_on(guise, tmp_path):
    root = tmp_path / "browse"
    (root / "e").mkdir(parents=True)
    (root / "e" / "listed.txt").write_text("l")
    guise.start_config(config_xml(site_xml("S", 1, root)))
    assert guise.get("/e/").status == 403

    assert reload(guise, config_xml(site_xml("S", 1, root),
                                    web_server='<directoryBrowse enabled="true"/>')) == "reloaded"

    assert b'href="listed.txt"' in guise.get("/e/").body


def test_reload_changes_a_sites_log_directory(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    first, second = tmp_path / "logs1", tmp_path / "logs2"
    guise.start_config(config_xml(site_xml("A", 1, r["a"]),
                                  site_defaults=f'<logFile directory="{first}"/>'))
    get(guise, "/f.txt?before", "x")

    assert reload(guise, config_xml(site_xml("A", 1, r["a"]),
                                    site_defaults=f'<logFile directory="{second}"/>')) == "reloaded"
    get(guise, "/f.txt?after", "x")
    assert guise.stop() == 0

    def queries(d):
        return [e["cs-uri-query"] for f in sorted((d / "W3SVC1").glob("u_ex*.log"))
                for e in parse_w3c(f.read_text())]

    assert queries(first) == ["before"]
    assert queries(second) == ["after"]


def test_reload_with_the_same_file_changes_nothing(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])))
    port = guise.port

    for _ in range(3):
        assert reload(guise) == "reloaded"

    assert get(guise, "/f.txt", "a.example").body == b"site a"
    assert set(guise.addresses()) == {f"127.0.0.1:{port}"}


def can_bind(ip):
    try:
        with socket.socket() as s:
            s.bind((ip, 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not can_bind("127.0.0.2"), reason="127.0.0.2 is not a local address here")
def test_port_zero_keeps_its_port_when_its_address_comes_back(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    a = site_xml("A", 1, r["a"], ["127.0.0.1:0:"])
    b = site_xml("B", 2, r["b"], ["127.0.0.2:0:"])
    guise.start_config(config_xml(a, b))
    port_b = int(next(x for x in guise.addresses() if x.startswith("127.0.0.2:")).split(":")[1])

    assert reload(guise, config_xml(a)) == "reloaded"
    assert wait_until(lambda: refused_at("127.0.0.2", port_b), scaled(5))
    assert reload(guise, config_xml(a, b)) == "reloaded"

    assert guise.addresses()[-2:] in ([f"127.0.0.1:{guise.port}", f"127.0.0.2:{port_b}"],
                                      [f"127.0.0.2:{port_b}", f"127.0.0.1:{guise.port}"])
    assert wait_until(lambda: not refused_at("127.0.0.2", port_b), scaled(5))
    assert get_at("127.0.0.2", port_b, "/f.txt").body == b"site b"


def refused_at(ip, port):
    try:
        socket.create_connection((ip, port), timeout=scaled(2)).close()
        return False
    except ConnectionRefusedError:
        return True


def get_at(ip, port, path):
    with socket.create_connection((ip, port), timeout=scaled(5)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return parse_response(data)


def test_response_in_flight_finishes_after_its_site_is_removed(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    big = bytes(range(256)) * (32 * 4096)  # 32 MiB: far more than the socket buffers hold
    (r["a"] / "big.bin").write_bytes(big)
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])))
    s = socket.create_connection((HOST, guise.port), timeout=scaled(10))
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n")
        data = bytearray(s.recv(65536))

        b = site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"])
        assert reload(guise, config_xml(b)) == "reloaded"
        assert get(guise, "/f.txt", "a.example").status == 400

        while chunk := s.recv(1 << 20):
            data += chunk
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert len(body) == len(big) and body == big


def test_sighup_without_a_config_file_changes_nothing(guise):
    guise.site.file("f.txt", "embedded")
    guise.start()

    guise.signal(signal.SIGHUP)

    assert wait_until(lambda: "nothing to reload" in guise.stderr(), scaled(5)), guise.stderr()
    assert guise.get("/f.txt").body == b"embedded"


def test_reload_widens_a_binding_to_every_address(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    port = free_port()
    guise.start_config(config_xml(site_xml("A", 1, r["a"], [f"127.0.0.1:{port}:"])))

    assert reload(guise, config_xml(site_xml("A", 1, r["a"], [f"*:{port}:"]))) == "reloaded"

    assert get(guise, "/f.txt", "x", port).body == b"site a"


# ---- refused reloads ---------------------------------------------------------------------


def test_bad_reload_keeps_the_old_configuration_and_says_where(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    good = config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]))
    path = guise.workdir / "applicationHost.config"
    guise.start_config(good)
    bad = config_xml(site_xml("A", 1, r["b"], ["127.0.0.1:0:a.example"]),
                     "\n", site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"],
                                    vdirs='\n<virtualDirectory path="/x" physicalPath="rel"/>\n'))
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if '"rel"' in ln)

    assert reload(guise, bad) == "refused"

    err = guise.stderr()
    assert f"guise: error: {path}:{line}: " in err, err
    assert RELOADED not in err
    assert get(guise, "/f.txt", "a.example").body == b"site a", "the old root"
    assert get(guise, "/f.txt", "b.example").status == 400, "the new site is not there"
    assert guise.proc.poll() is None

    assert reload(guise, good.replace(str(r["a"]), str(r["b"]))) == "reloaded"
    assert get(guise, "/f.txt", "a.example").body == b"site b", "a good file after a bad one"


@pytest.mark.parametrize("breakage", ["not xml", "empty", "deleted", "no site"])
def test_broken_file_is_refused(guise, tmp_path, breakage):
    r = roots(tmp_path, a="site a")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])))
    path = guise.workdir / "applicationHost.config"

    if breakage == "deleted":
        path.unlink()
        result = reload(guise)
    else:
        result = reload(guise, {"not xml": "<configuration>\n<oops\n", "empty": "",
                                "no site": config_xml()}[breakage])

    assert result == "refused"
    assert f"guise: error: {path}" in guise.stderr()
    assert get(guise, "/f.txt", "a.example").body == b"site a"


def test_reload_refused_when_a_new_binding_cannot_listen(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    a = site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])
    guise.start_config(config_xml(a))
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen(1)
        taken = holder.getsockname()[1]

        result = reload(guise, config_xml(
            site_xml("A", 1, r["b"], ["127.0.0.1:0:a.example"]),
            site_xml("B", 2, r["b"], [f"127.0.0.1:{taken}:"])))

    assert result == "refused"
    assert f"127.0.0.1:{taken}" in guise.stderr()
    assert get(guise, "/f.txt", "a.example").body == b"site a", "nothing of the new file applies"


def test_refused_reload_does_not_close_ports(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    extra = free_port()
    good = config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:", f"127.0.0.1:{extra}:"]))
    guise.start_config(good)

    assert reload(guise, good.replace("<site ", "<site bogus='1' ")) == "refused"

    assert get(guise, "/f.txt", "x", extra).body == b"site a"
    assert get(guise, "/f.txt", "x").body == b"site a"


# ---- reloads under load ------------------------------------------------------------------------


class Clients:
    """
    Threads that send GETs until told to stop (and at least `least` each):
    half reuse one keep-alive connection, half open one per request.  Every
    answer is checked; anything else (status, body, a connection error) is
    kept in `failures`.
    """

    def __init__(self, port, host, expected, threads=8, least=300, most=5000):
        self.port, self.host, self.expected = port, host, expected
        self.least, self.most = least, most
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.done = 0
        self.failures = []
        self.bodies = {}
        self.threads = [threading.Thread(target=self.run, args=(i % 2 == 0,), daemon=True)
                        for i in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def join(self, timeout):
        self.stop.set()
        for t in self.threads:
            t.join(timeout)
        assert not any(t.is_alive() for t in self.threads), "a client thread hangs"

    def one(self, conn, path):
        conn.request("GET", path, headers={"Host": self.host})
        rsp = conn.getresponse()
        body = rsp.read()
        if rsp.status != 200 or body not in self.expected[path]:
            return f"{path}: {rsp.status} {body[:60]!r}"
        with self.lock:
            self.bodies[(path, body)] = self.bodies.get((path, body), 0) + 1
        return None

    def run(self, keep_alive):
        paths = list(self.expected)
        conn = None
        n = 0
        while n < self.most and not (self.stop.is_set() and n >= self.least):
            path = paths[n % len(paths)]
            n += 1
            if conn is None:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=scaled(10))
            try:
                failure = self.one(conn, path)
            except (OSError, http.client.HTTPException) as e:
                failure = f"{path}: {type(e).__name__}: {e}"
                conn.close()
                conn = None
            if not keep_alive and conn is not None:
                conn.close()
                conn = None
            with self.lock:
                self.done += 1
                if failure:
                    self.failures.append(failure)
        if conn is not None:
            conn.close()


def test_reloads_under_load_drop_no_request(guise, tmp_path):
    root = tmp_path / "load"
    root.mkdir()
    stable = b"stable body\n" * 400
    (root / "f.txt").write_bytes(stable)
    for name, body in (("v1", "one"), ("v2", "two")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "which.txt").write_text(body)
    (tmp_path / "other").mkdir()

    def config(n):
        # Both serve /f.txt and /v/which.txt for load.example; everything else differs,
        # down to a port that opens (a new one each time) and closes.
        v = tmp_path / ("v1" if n % 2 == 0 else "v2")
        sites = [site_xml("Load", 1, root, ["127.0.0.1:0:load.example"],
                          vdirs=f'<virtualDirectory path="/v" physicalPath="{v}"/>')]
        if n % 2 == 0:
            sites.append(site_xml("Other", 2, tmp_path / "other", ["127.0.0.1:0:other.example",
                                                                  f"127.0.0.1:{free_port()}:"]))
            web = '<defaultDocument><files><add value="x.htm"/></files></defaultDocument>'
        else:
            web = ('<staticContent><mimeMap fileExtension=".gsx" mimeType="application/x-g"/>'
                   '<clientCache cacheControlMode="DisableCache"/></staticContent>')
        return config_xml(*sites, web_server=web)

    guise.start_config(config(0))
    clients = Clients(guise.port, "load.example",
                      {"/f.txt": {stable}, "/v/which.txt": {b"one", b"two"}}).start()
    outcomes = []
    try:
        for i in range(1, 21):
            # pace the reloads by the clients' progress, not by the clock
            target = i * 100
            assert wait_until(lambda: clients.done >= target or clients.failures, scaled(30)), \
                f"clients stalled at {clients.done} requests"
            outcomes.append(reload(guise, config(i)))
    finally:
        clients.join(scaled(60))

    assert clients.failures == [], (f"{len(clients.failures)} of {clients.done} failed: "
                                    f"{clients.failures[:10]}")
    assert outcomes == ["reloaded"] * 20
    assert clients.done >= 2400
    assert {body for (path, body) in clients.bodies if path == "/v/which.txt"} == {b"one", b"two"}
    assert guise.proc.poll() is None


def test_port_removed_and_added_back_by_the_next_reload(guise, tmp_path):
    # Loops kept busy with listings of a large directory (tens of ms each) make the
    # window between a reload and the next one wide enough to see every time.
    r = roots(tmp_path, a="site a")
    big = tmp_path / "big"
    big.mkdir()
    for i in range(10000):
        (big / f"f{i:05d}.txt").touch()
    port = free_port()

    def config(with_port):
        bindings = ["127.0.0.1:0:"] + ([f"127.0.0.1:{port}:"] if with_port else [])
        return config_xml(site_xml("A", 1, r["a"], bindings,
                                   vdirs=f'<virtualDirectory path="/big" physicalPath="{big}"/>'),
                          web_server='<directoryBrowse enabled="true"/>')

    guise.start_config(config(False))
    stop, problems = threading.Event(), []

    def busy():
        conn = http.client.HTTPConnection(HOST, guise.port, timeout=scaled(30))
        try:
            while not stop.is_set():
                conn.request("GET", "/big/")
                rsp = conn.getresponse()
                if rsp.status != 200 or b"f09999.txt" not in rsp.read():
                    problems.append(rsp.status)
        except (OSError, http.client.HTTPException) as e:
            problems.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=busy, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    outcomes = []
    try:
        while len(outcomes) < 20 and "refused" not in outcomes and not problems:
            outcomes.append(reload(guise, config(len(outcomes) % 2 == 0)))
    finally:
        stop.set()
        for t in threads:
            t.join(scaled(30))

    assert problems == []
    assert outcomes == ["reloaded"] * 20, guise.stderr()[-2000:]
