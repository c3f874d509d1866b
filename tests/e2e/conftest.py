"""
Shared fixtures for guise's black-box end-to-end tests.

    site    a fresh site root in a temporary directory, with helpers to create
            files (content, mode, mtime), directories, symlinks and FIFOs
    guise   a factory: guise.start(*args) runs build/guise (or $GUISE_BIN) on
            127.0.0.1:0, reads the port from its "listening on" line, and
            hands back a Server; guise.get(), guise.raw()... go to the server
            started last.  Every server is stopped by PID at teardown
            (SIGTERM, then SIGKILL after a deadline); its stderr is attached
            to the report of a failing test.
            guise.start_config(text) runs `guise --config FILE` instead, FILE
            written from text (see config_xml() and site_xml()).  Both take
            env= (the server's environment; preload_env() builds one that
            preloads libraries) and start_config takes prefix= (a command
            that runs guise, e.g. setpriv).  It has no control socket unless args
            give --ctl-socket.
    accounts
            users, groups and passwords of a test's own (cwrap: nss_wrapper,
            pam_wrapper + pam_matrix), in its temporary directory; the
            environment that makes guise see them is accounts.env().  Needs
            root (the kernel checks the uids): skips and says why otherwise.

GUISE_SANITIZED=1 (an ASan+UBSan build) scales every timeout by 3 and fails a
test whose server printed a sanitizer report.

Only the standard library and pytest: the suite runs under Debian's
/usr/bin/python3.
"""
from __future__ import annotations

import base64
import functools
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import sysconfig
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUISE_BIN = os.environ.get("GUISE_BIN") or str(REPO / "build" / "guise")
SANITIZED = os.environ.get("GUISE_SANITIZED") == "1"
SCALE = 3 if SANITIZED else 1
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")
LISTENING = re.compile(rb"guise: info: listening on http://127\.0\.0\.1:(\d+)/")
ANNOUNCED = re.compile(r"guise: info: listening on http://(\S+?)/")
HOST = "127.0.0.1"
TEST_DEADLINE = 120  # seconds per test, before scaling: a hang guard, not a benchmark


def scaled(seconds: float) -> float:
    """A timeout, generous enough for a sanitized build too."""
    return seconds * SCALE


def wait_until(predicate, timeout: float, interval: float = 0.02):
    """Polls predicate() until it returns something true; returns it, or None at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


# ---- HTTP messages ----------------------------------------------------------


class Headers:
    """Response header fields in arrival order; names compare without case."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def get(self, name, default=None):
        for k, v in self.pairs:
            if k.lower() == name.lower():
                return v
        return default

    def get_all(self, name):
        return [v for k, v in self.pairs if k.lower() == name.lower()]

    def __contains__(self, name):
        return self.get(name) is not None

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __repr__(self):
        return f"Headers({self.pairs!r})"


class Response:
    def __init__(self, status, reason, headers, body, version="HTTP/1.1"):
        self.status = status
        self.reason = reason
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.body = body
        self.version = version

    def __repr__(self):
        return f"<Response {self.status} {self.reason} {self.headers!r} body={self.body[:80]!r}>"


class Incomplete(Exception):
    """The bytes end before the response does."""


class _Reader:
    """A byte buffer that can ask for more input (more() returns b"" at the end)."""

    def __init__(self, data=b"", more=None):
        self.buf = bytearray(data)
        self.more = more or (lambda: b"")
        self.eof = False

    def _fill(self):
        if self.eof:
            return False
        chunk = self.more()
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def until(self, marker: bytes) -> bytes:
        while True:
            i = self.buf.find(marker)
            if i >= 0:
                out = bytes(self.buf[: i + len(marker)])
                del self.buf[: i + len(marker)]
                return out
            if not self._fill():
                raise Incomplete(f"no {marker!r} in {bytes(self.buf[:200])!r}")

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise Incomplete(f"wanted {n} bytes, have {len(self.buf)}")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def rest(self) -> bytes:
        while self._fill():
            pass
        out = bytes(self.buf)
        self.buf.clear()
        return out


def _read_response(reader: _Reader, head: bool) -> Response:
    raw = reader.until(b"\r\n\r\n")
    lines = raw[:-4].decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not code.isdigit():
        raise AssertionError(f"not a status line: {lines[0]!r}")
    pairs = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise AssertionError(f"not a header line: {line!r}")
        pairs.append((name, value.strip(" \t")))
    headers = Headers(pairs)
    status = int(code)
    if head or status < 200 or status in (204, 304):
        body = b""
    elif headers.get("Content-Length") is not None:
        body = reader.exactly(int(headers["Content-Length"]))
    elif "chunked" in headers.get("Transfer-Encoding", "").lower():
        raise AssertionError("guise does not send chunked responses")
    else:
        body = reader.rest()
    return Response(status, reason, headers, body, version)


def parse_responses(data: bytes, heads=()) -> list:
    """
    Splits bytes into responses, framed by Content-Length.  heads: indexes of
    responses to HEAD requests (no body).  Stray bytes at the end fail.
    """
    reader = _Reader(data)
    out = []
    while reader.buf:
        out.append(_read_response(reader, len(out) in heads))
    return out


def parse_response(data: bytes, head=False) -> Response:
    responses = parse_responses(data, heads=(0,) if head else ())
    assert len(responses) == 1, f"expected one response, got {responses!r}"
    return responses[0]


class RawConn:
    """A client socket, for bytes that an HTTP library would not send."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.reader = _Reader(more=self._recv)

    def _recv(self):
        try:
            return self.sock.recv(65536)
        except ConnectionResetError:
            return b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def response(self, head=False) -> Response:
        """The next response on the connection; socket.timeout if it does not come."""
        return _read_response(self.reader, head)

    def read_until_close(self, timeout=None) -> bytes:
        """Everything until the server closes; socket.timeout if it does not."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        return self.reader.rest()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- the site ----------------------------------------------------------------


class Site:
    """A site root (base/root) and room next to it (base) for things outside the site."""

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "root"
        self.root.mkdir()

    def path(self, rel: str) -> Path:
        return self.root / rel.lstrip("/")

    def file(self, rel, content=b"", mode=None, mtime=None, owner=None, group=None) -> Path:
        """owner: an Account or a uid; group: a Group, an Account (its primary group) or a gid
        (owner's primary group when owner is an Account and group is not given)."""
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode() if isinstance(content, str) else content)
        if owner is not None or group is not None:
            uid = -1 if owner is None else getattr(owner, "uid", owner)
            gid = getattr(group, "gid", group) if group is not None else getattr(owner, "gid", -1)
            os.chown(p, uid, gid)
        if mode is not None:
            p.chmod(mode)
        if mtime is not None:
            os.utime(p, (mtime, mtime))
        return p

    def dir(self, rel, mode=None) -> Path:
        p = self.path(rel)
        p.mkdir(parents=True, exist_ok=True)
        if mode is not None:
            p.chmod(mode)
        return p

    def symlink(self, rel, target) -> Path:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.symlink_to(target)
        return p

    def fifo(self, rel) -> Path:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(p)
        return p

    def outside(self, name, content) -> Path:
        """A file next to the root, which the server must never serve."""
        p = self.base / name
        p.write_bytes(content.encode() if isinstance(content, str) else content)
        return p


# ---- the server ----------------------------------------------------------------


class Server:
    """One guise process."""

    def __init__(self, argv, workdir: Path, name: str, log_path, nofile=None, env=None):
        self.argv = argv
        self.log_path = log_path
        self.stdout_path = workdir / f"{name}.stdout"
        self.stderr_path = workdir / f"{name}.stderr"
        self.port = None
        self.stopped_by_test = False
        self.killed = False
        self.conns = []
        preexec = None
        if nofile is not None:
            def preexec():
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         preexec_fn=preexec, env=env)

    @property
    def pid(self):
        return self.proc.pid

    def stderr(self) -> str:
        return self.stderr_path.read_bytes().decode("utf-8", "replace")

    def stdout(self) -> str:
        return self.stdout_path.read_bytes().decode("utf-8", "replace")

    def wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = LISTENING.search(self.stderr_path.read_bytes())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        pytest.fail(f"guise did not start listening ({self.argv!r}); stderr:\n{self.stderr()}")

    def addresses(self) -> list:
        """Every "IP:PORT" guise announced so far ("listening on http://IP:PORT/"), in order."""
        return ANNOUNCED.findall(self.stderr())

    # -- requests

    def url(self, path="/") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def request(self, method, path, headers=None, body=None, timeout=None,
                source=None) -> Response:
        """One request with http.client on a connection of its own (from the local address
        source, e.g. "127.0.0.2", when given)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout or scaled(10),
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            body = r.read()
            return Response(r.status, r.reason, Headers(r.getheaders()), body,
                            "HTTP/1.1" if r.version == 11 else "HTTP/1.0")
        finally:
            conn.close()

    def get(self, path, headers=None, timeout=None, source=None) -> Response:
        return self.request("GET", path, headers=headers, timeout=timeout, source=source)

    def head(self, path, headers=None, timeout=None) -> Response:
        return self.request("HEAD", path, headers=headers, timeout=timeout)

    def connect(self, timeout=None) -> RawConn:
        conn = RawConn(self.port, timeout or scaled(5))
        self.conns.append(conn)
        return conn

    def raw(self, data: bytes, timeout=None) -> bytes:
        """Sends bytes on a new connection; returns what comes back until close or timeout."""
        with self.connect(timeout or scaled(5)) as c:
            c.send(data)
            try:
                return c.read_until_close()
            except socket.timeout:
                return bytes(c.reader.buf)

    def curl(self, path, *args, head=False) -> Response:
        """The response curl gets (curl -s -i, or -I with head=True)."""
        cmd = ["curl", "-s", "-S", "--max-time", str(scaled(10)), "-I" if head else "-i", *args,
               self.url(path)]
        done = subprocess.run(cmd, capture_output=True, timeout=scaled(20))
        assert done.returncode == 0, f"{cmd!r}: {done.stderr.decode(errors='replace')}"
        return parse_response(done.stdout, head=head)

    # -- the access log

    def log_lines(self, count=1, timeout=None) -> list:
        """
        The access log's entries as dicts keyed by #Fields names, after waiting
        (up to ~3 s: the log is flushed once a second) until there are count.
        """
        path = self.log_path
        entries = []

        def enough():
            nonlocal entries
            text = path.read_text() if path.exists() else ""
            entries = parse_w3c(text[:text.rfind("\n") + 1])  # not a line being written
            return len(entries) >= count

        wait_until(enough, timeout or scaled(3.5), 0.05)
        return entries

    # -- the process

    def signal(self, sig):
        self.proc.send_signal(sig)

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # after "pid (comm)": state is fields[0]; utime and stime are stat fields 14 and 15
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait(self, timeout):
        """The exit status, or None if still running after timeout."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close_conns(self):
        for c in self.conns:
            c.close()
        self.conns.clear()

    def stop(self, timeout=None):
        """SIGTERM, wait, then SIGKILL; returns the exit status."""
        self.stopped_by_test = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.wait(timeout or scaled(15)) is None:
                self.killed = True
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def parse_w3c(text: str) -> list:
    """W3C extended log entries as dicts, keyed by the latest #Fields directive."""
    fields, entries = None, []
    for line in text.splitlines():
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                fields = line.split()[1:]
            continue
        if not line:
            continue
        assert fields is not None, f"log entry before any #Fields directive: {line!r}"
        parts = line.split(" ")
        assert len(parts) == len(fields), f"{len(parts)} values for {len(fields)} fields: {line!r}"
        entries.append(dict(zip(fields, parts)))
    return entries


class Guise:
    """
    The `guise` fixture: starts servers for one test and stops them after it.
    Attribute access other than start/run goes to the server started last.
    """

    def __init__(self, site: Site, workdir: Path):
        self.site = site
        self.workdir = workdir
        self.servers = []

    def start(self, *args, root=None, log=True, listen=f"{HOST}:0", nofile=None,
              wait=True, env=None) -> Server:
        """
        Starts guise with args after --root and --listen.  log: True for an
        access log file (Server.log_path), "-" for standard output, None for
        none.  nofile: RLIMIT_NOFILE (soft and hard) for the server.  env: its
        environment (default: the test's).
        """
        name = f"guise{len(self.servers)}"
        argv = [GUISE_BIN, "--root", str(root or self.site.root), "--listen", listen]
        log_path = None
        if log is True:
            log_path = self.workdir / f"{name}.log"
            argv += ["--log", str(log_path)]
        elif log == "-":
            log_path = self.workdir / f"{name}.stdout"
            argv += ["--log", "-"]
        argv += [str(a) for a in args]
        server = Server(argv, self.workdir, name, log_path, nofile=nofile, env=env)
        self.servers.append(server)
        if wait:
            server.wait_listening(scaled(10))
        return server

    def write_config(self, text: str, name="applicationHost.config") -> Path:
        """Writes a configuration file into the test's directory (atomically: a reload never
        reads half a file) and returns its path."""
        path = self.workdir / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
        return path

    def start_config(self, config, *args, log=None, wait=True, env=None, prefix=()) -> Server:
        """
        Starts `guise --config FILE args`: config is a Path, or the text of the
        file (written by write_config).  Server.port is the first 127.0.0.1 port
        announced (the one bindings "127.0.0.1:0:..." share).  log: True for
        --log FILE (Server.log_path); None for the sites' own logFile settings.
        env: the server's environment (default: the test's).  prefix: a command
        that execs guise (["setpriv", "--reuid=nobody", ...]): Server.pid stays
        guise's.
        """
        path = config if isinstance(config, Path) else self.write_config(config)
        name = f"guise{len(self.servers)}"
        argv = [*prefix, GUISE_BIN, "--config", str(path)]
        log_path = None
        if log is True:
            log_path = self.workdir / f"{name}.log"
            argv += ["--log", str(log_path)]
        argv += [str(a) for a in args]
        if "--ctl-socket" not in argv:
            # Started as root with a configuration file, guise makes /run/guise/ctl.sock:
            # tests run servers side by side, so each asks for its own (test_ctl.py).
            argv += ["--ctl-socket", "none"]
        server = Server(argv, self.workdir, name, log_path, env=env)
        self.servers.append(server)
        if wait:
            server.wait_listening(scaled(10))
        return server

    def run(self, *args, timeout=None) -> subprocess.CompletedProcess:
        """Runs guise to completion (for command-line errors), output as text."""
        done = subprocess.run([GUISE_BIN, *[str(a) for a in args]], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=timeout or scaled(10))
        for mark in SANITIZER_MARKS:
            if mark in done.stderr:
                pytest.fail(f"guise {args!r} reported '{mark}':\n{done.stderr}", pytrace=False)
        return done

    def __getattr__(self, name):
        if not self.servers:
            raise AttributeError(f"{name}: no server started (call guise.start() first)")
        return getattr(self.servers[-1], name)

    def finish(self) -> list:
        """Stops every server; returns the problems found."""
        problems = []
        for s in self.servers:
            s.close_conns()
        for s in self.servers:
            was_running = s.proc.poll() is None
            exited_by_itself = not was_running and not s.stopped_by_test
            status = s.stop()
            err = s.stderr()
            for mark in SANITIZER_MARKS:
                if mark in err:
                    problems.append(f"{s.argv[0]} (pid {s.pid}) reported '{mark}'")
            if exited_by_itself and status < 0:
                problems.append(f"guise (pid {s.pid}) died of signal {-status} during the test")
            elif s.killed:
                problems.append(f"guise (pid {s.pid}) did not stop after SIGTERM: killed")
            elif was_running and status != 0:
                problems.append(f"guise (pid {s.pid}) exited with status {status} after SIGTERM")
        return problems


# ---- configuration files ----------------------------------------------------------------


def site_xml(name, site_id, root, bindings=("127.0.0.1:0:",), vdirs="", apps="", extra=""):
    """
    One <site>: bindingInformation strings (port 0: a free port, shared by every
    binding of that IP), an application "/" whose virtual directory "/" is root,
    vdirs (more <virtualDirectory> XML in that application), apps (more
    <application> XML) and extra (e.g. a <logFile>).
    """
    binds = "".join(f'<binding protocol="http" bindingInformation="{b}"/>' for b in bindings)
    return (f'<site name="{name}" id="{site_id}"><bindings>{binds}</bindings>'
            f'<application path="/"><virtualDirectory path="/" physicalPath="{root}"/>{vdirs}'
            f'</application>{apps}{extra}</site>\n')


def config_xml(*sites, web_server="", locations="", site_defaults='<logFile enabled="false"/>',
               process_user=""):
    """
    An applicationHost.config: the sites (site_xml()), system.webServer's
    server-level sections (XML), <location> elements, and <siteDefaults>
    (by default no per-site log files).  process_user: the application pools'
    userName; "" keeps the identity guise was started with (so that a test
    about sites need not care who may write its log directories), while
    anonymous requests are still served as nobody.
    """
    pools = ("  <applicationPools><applicationPoolDefaults>"
             f'<processModel userName="{process_user}"/>'
             '</applicationPoolDefaults><add name="DefaultAppPool"/></applicationPools>\n')
    return ("<configuration>\n <system.applicationHost>\n" + pools + "  <sites>\n"
            f"   <siteDefaults>{site_defaults}</siteDefaults>\n   {''.join(sites)}"
            "  </sites>\n </system.applicationHost>\n"
            f" <system.webServer>{web_server}</system.webServer>\n{locations}</configuration>\n")


def open_to_everyone(path: Path):
    """
    Lets every account reach path (o+rx on it and o+x on its parents up to
    /tmp): pytest makes its directories 0700, and a guise started as root
    serves anonymous requests as nobody, who must reach a test's files as it
    would reach /srv.
    """
    path.chmod(path.stat().st_mode | 0o755)
    for parent in path.parents:
        if parent == Path("/tmp") or parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o711)


@pytest.fixture
def tmp_path(tmp_path):
    """pytest's tmp_path, open_to_everyone()."""
    open_to_everyone(tmp_path)
    return tmp_path


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


@pytest.fixture
def guise(request, site, tmp_path):
    g = Guise(site, tmp_path)
    yield g
    problems = g.finish()
    call = getattr(request.node, "guise_call_report", None)
    if problems and call is not None and hasattr(call, "wasxfail"):
        return  # a known bug (xfail) may well leave a crashed server behind
    if problems:
        detail = "\n".join(f"--- {s.argv!r}\n{s.stderr()}" for s in g.servers)
        pytest.fail("; ".join(problems) + "\n" + detail, pytrace=False)


# ---- accounts of a test's own (cwrap) ------------------------------------------------------

BUILD = Path(GUISE_BIN).resolve().parent  # build/: pam/*.so, preload/*.so, modules/test_*.so
LIBDIR = Path("/usr/lib") / (sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu")
PAM_WRAPPER = LIBDIR / "libpam_wrapper.so"
NSS_WRAPPER = LIBDIR / "libnss_wrapper.so"
PAM_MATRIX = LIBDIR / "pam_wrapper" / "pam_matrix.so"
PAM_DENY = LIBDIR / "security" / "pam_deny.so"
FIRST_TEST_ID = 40000  # uids and gids of test accounts: above any real one here


def preload_env(*libs, env=None) -> dict:
    """
    env (default: the test's environment) with libs put first in LD_PRELOAD.  Under ASan
    (GUISE_SANITIZED=1) the runtime must come first in the link order, which a preloaded
    library breaks: verify_asan_link_order=0 is added to ASAN_OPTIONS, the others kept.
    And the sanitizer refuses libraries opened with RTLD_DEEPBIND, which nss_wrapper (libc)
    and pam_wrapper (libpam) do unless they find libasan.so in LD_PRELOAD: guise's own
    libasan is preloaded first.
    """
    out = dict(os.environ if env is None else env)
    first = [asan_runtime()] if SANITIZED else []
    out["LD_PRELOAD"] = ":".join([*first, *map(str, libs),
                                  *filter(None, [out.get("LD_PRELOAD")])])
    if SANITIZED:
        asan = out.get("ASAN_OPTIONS", "")
        out["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
    return out


@functools.lru_cache(maxsize=None)
def asan_runtime() -> str:
    """The libasan.so that GUISE_BIN is linked with (ldd's answer)."""
    done = subprocess.run(["ldd", GUISE_BIN], capture_output=True, text=True, check=True)
    m = re.search(r"^\s*libasan\.so\S*\s+=>\s+(\S+)", done.stdout, re.M)
    assert m, f"GUISE_SANITIZED=1 but {GUISE_BIN} is not linked with libasan:\n{done.stdout}"
    return m.group(1)


class Group:
    def __init__(self, name, gid, members=()):
        self.name, self.gid, self.members = name, gid, list(members)

    def __repr__(self):
        return f"<Group {self.name} {self.gid}>"


class Account:
    """A user: name, uid, gid (its own group, of the same name), password, and whether PAM
    knows it (pam)."""

    def __init__(self, name, uid, gid, password, pam=True):
        self.name, self.uid, self.gid, self.password, self.pam = name, uid, gid, password, pam

    def basic(self, password=None) -> str:
        """The value of an Authorization header for Basic with this user's (or that) password."""
        pair = f"{self.name}:{self.password if password is None else password}"
        return "Basic " + base64.b64encode(pair.encode()).decode()

    def auth(self, password=None) -> dict:
        """Request headers that log on as this user."""
        return {"Authorization": self.basic(password)}

    def __repr__(self):
        return f"<Account {self.name} {self.uid}>"


class Accounts:
    """
    Users, groups and passwords that only guise sees: nss_wrapper reads a copy of
    /etc/passwd and /etc/group with the test's accounts added, pam_wrapper runs the
    PAM service `service` from a directory of the test's, whose stack is pam_matrix
    over a password file (user:password:service).  The kernel checks the uids as it
    would any others.  Extra lines go before pam_matrix's (auth_lines, account_lines:
    "required /path/module.so args").  Files are written by env().
    """

    def __init__(self, base: Path, service="guise"):
        self.base = base
        self.service = service
        self.users = {}
        self.groups = {}
        self.auth_lines = []
        self.account_lines = []
        self.next_id = FIRST_TEST_ID + 1
        self.taken = {int(line.split(":")[2]) for f in ("/etc/passwd", "/etc/group")
                      for line in Path(f).read_text().splitlines() if line.count(":") >= 3}

    def _id(self) -> int:
        while self.next_id in self.taken:
            self.next_id += 1
        self.taken.add(self.next_id)
        return self.next_id

    def add(self, name, password=None, groups=(), pam=True) -> Account:
        """
        A user with a group of its own, member of groups (names: a group of /etc/group
        such as staff, or one made here).  pam=False: a user NSS knows and PAM does not.
        """
        gid = self._id()
        self.groups[name] = Group(name, gid)
        account = Account(name, gid, gid, password or f"{name}-pw", pam)
        self.users[name] = account
        for g in groups:
            self.group(g).members.append(name)
        return account

    def group(self, name) -> Group:
        """The group name: one of /etc/group (its gid kept), or a new one."""
        if name not in self.groups:
            for line in Path("/etc/group").read_text().splitlines():
                fields = line.split(":")
                if fields[0] == name:
                    members = [m for m in fields[3].split(",") if m] if len(fields) > 3 else []
                    self.groups[name] = Group(name, int(fields[2]), members)
                    break
            else:
                self.groups[name] = Group(name, self._id())
        return self.groups[name]

    def write(self) -> dict:
        """Writes the files; returns the variables that point the wrappers at them."""
        d = self.base / "cwrap"
        services = d / "pam.d"
        services.mkdir(parents=True, exist_ok=True)
        passwd = [line for line in Path("/etc/passwd").read_text().splitlines() if line]
        passwd += [f"{u.name}:x:{u.uid}:{u.gid}:{u.name}:/nonexistent:/usr/sbin/nologin"
                   for u in self.users.values()]
        group, seen = [], set()
        for line in Path("/etc/group").read_text().splitlines():
            name = line.split(":")[0]
            g = self.groups.get(name)
            if g is not None:
                line = f"{name}:x:{g.gid}:{','.join(g.members)}"
                seen.add(name)
            if line:
                group.append(line)
        group += [f"{g.name}:x:{g.gid}:{','.join(g.members)}" for g in self.groups.values()
                  if g.name not in seen]
        (d / "passwd").write_text("\n".join(passwd) + "\n")
        (d / "group").write_text("\n".join(group) + "\n")
        passdb = d / "passdb"
        passdb.write_text("".join(f"{u.name}:{u.password}:{self.service}\n"
                                  for u in self.users.values() if u.pam))
        matrix = f"required {PAM_MATRIX} passdb={passdb}"
        stack = [*(f"auth {line}" for line in self.auth_lines), f"auth {matrix}",
                 *(f"account {line}" for line in self.account_lines), f"account {matrix}"]
        (services / self.service).write_text("\n".join(stack) + "\n")
        # pam_wrapper wants a default service too; it refuses everyone.
        (services / "other").write_text(f"auth required {PAM_DENY}\naccount required {PAM_DENY}\n")
        for p in (d, services):
            p.chmod(0o755)
        return {"NSS_WRAPPER_PASSWD": str(d / "passwd"), "NSS_WRAPPER_GROUP": str(d / "group"),
                "PAM_WRAPPER": "1", "PAM_WRAPPER_SERVICE_DIR": str(services)}

    def env(self, *preload, env=None) -> dict:
        """The environment for a guise that sees these accounts (preload: more libraries to
        preload after the wrappers)."""
        out = preload_env(PAM_WRAPPER, NSS_WRAPPER, *preload, env=env)
        out.update(self.write())
        return out


def require_root(what="this test"):
    """Skips unless the test runs as root, saying why."""
    if os.geteuid() != 0:
        pytest.skip(f"{what} needs root: guise impersonates only when started as root "
                    "(the kernel checks real uids); run the suite as root")


@pytest.fixture
def accounts(tmp_path) -> Accounts:
    require_root("impersonation with test accounts")
    for lib in (PAM_WRAPPER, NSS_WRAPPER, PAM_MATRIX):
        if not lib.exists():
            pytest.skip(f"{lib} is missing: install libpam-wrapper and libnss-wrapper "
                        "(scripts/deps.sh test)")
    return Accounts(tmp_path)


# ---- reporting and hang guard ---------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.guise_call_report = rep
    if rep.when == "teardown" or not rep.failed:
        return
    g = item.funcargs.get("guise") if hasattr(item, "funcargs") else None
    for s in getattr(g, "servers", []):
        rep.sections.append((f"guise pid {s.pid} stderr", s.stderr()[-20000:] or "(empty)"))


class DeadlineExpired(Exception):
    pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Every test gets a deadline: a hang fails the test instead of the whole run."""

    def expired(signum, frame):
        raise DeadlineExpired(f"test still running after {scaled(TEST_DEADLINE)} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(int(scaled(TEST_DEADLINE)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def pytest_sessionstart(session):
    if not os.access(GUISE_BIN, os.X_OK):
        pytest.exit(f"guise binary not found at {GUISE_BIN}: run 'make build' or set GUISE_BIN",
                    returncode=2)
