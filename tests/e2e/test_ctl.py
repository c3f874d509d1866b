"""
The root-only control socket and `guise ctl` (docs/control-socket.md): stats of the TOKEN
cache and of logons, flush-tokens [USER], who may ask (mode 0600, then SO_PEERCRED), bounded
requests (one line of at most 1 KiB within 3 s), and the socket file's life (made at start,
a stale one replaced, a live one refusing a second server, removed at SIGTERM).

Basic logons use the test's own accounts (cwrap: nss_wrapper, pam_wrapper + pam_matrix), so
that PAM runs are counted by guise itself (`logons ok=N`).  Every test needs root: the
socket is root's, and guise impersonates only when started as root.
"""
import base64
import os
import pwd
import random
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import GUISE_BIN, config_xml, scaled, site_xml, wait_until

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: the control socket is root's and only root may use it; guise "
           "impersonates Basic users only when started as root; run the suite as root")

REALM = "guise tests"
SETPRIV = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
CTL_TIMEOUT = 3.0  # src/ctl/command.h: GS_CTL_TIMEOUT_MS
MAX_LINE = 1024  # GS_CTL_MAX_LINE


# ---- helpers --------------------------------------------------------------------------------


@pytest.fixture
def ctl_dir():
    """A short directory of its own for the socket (sun_path holds 107 bytes; pytest's
    directories are long): the socket goes in its subdirectory "ctl", which guise makes."""
    d = Path(tempfile.mkdtemp(prefix="guise-ctl-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def auth_config(site, token_cache="") -> str:
    """One site on site.root with Basic (and anonymous) authentication, run as www-data;
    token_cache: a <tokenCache .../> element for system.applicationHost."""
    sections = ('<security><authentication><anonymousAuthentication enabled="true"/>'
                f'<basicAuthentication enabled="true" realm="{REALM}"/></authentication>'
                '</security>')
    text = config_xml(site_xml("Secure", 1, site.root), web_server=sections,
                      process_user="www-data")
    return text.replace("</system.applicationHost>", f"{token_cache}</system.applicationHost>")


def start(guise, accounts, sock, token_cache="", wait=True):
    guise.site.file("a.txt", "hello")
    return guise.start_config(auth_config(guise.site, token_cache), "--ctl-socket", sock,
                              env=accounts.env(), wait=wait)


def ctl(sock, *args, prefix=()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, GUISE_BIN, "ctl", "--ctl-socket", str(sock), *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=scaled(20))


def stats(sock) -> dict:
    """{"TOKEN": {"entries": N, ...}, "logons": {"ok": N, ...}} from `guise ctl stats`."""
    done = ctl(sock, "stats")
    assert done.returncode == 0, done
    lines = done.stdout.splitlines()
    assert lines[-1] == "ok", done.stdout
    out = {}
    for line in lines[:-1]:
        words = line.split()
        if words[0] == "cache":
            name, pairs = words[1], words[2:]
        else:
            assert words[0] == "logons", line
            name, pairs = "logons", words[1:]
        out[name] = {k: int(v) for k, v in (p.split("=") for p in pairs)}
    return out


def ask(sock, data: bytes, timeout=None, shut=False) -> bytes:
    """Sends raw bytes to the socket; everything the server answers until it closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout or scaled(10))
        s.connect(str(sock))
        if data:
            s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def one_error_line(answer: bytes) -> str:
    text = answer.decode("utf-8", "replace")
    assert text.startswith("error ") and text.endswith("\n") and text.count("\n") == 1, answer
    return text


# ---- stats and flush-tokens -----------------------------------------------------------------


def test_logons_are_cached_counted_and_never_hit_with_a_wrong_password(guise, accounts,
                                                                       ctl_dir):
    alice = accounts.add("alice")
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock)
    before = stats(sock)
    assert before["TOKEN"]["entries"] == 0 and before["logons"]["ok"] == 0, before

    assert guise.get("/a.txt", headers=basic("alice", alice.password)).status == 200
    s = stats(sock)
    assert s["logons"]["ok"] == 1 and s["TOKEN"]["additions"] == 1, s
    assert s["TOKEN"]["entries"] == 1 and s["TOKEN"]["misses"] == 1, s

    for _ in range(3):
        assert guise.get("/a.txt", headers=basic("alice", alice.password)).status == 200
    s = stats(sock)
    assert s["logons"]["ok"] == 1, s  # PAM did not run again
    assert s["TOKEN"]["hits"] == 3 and s["TOKEN"]["additions"] == 1, s

    assert guise.get("/a.txt", headers=basic("alice", "wrong")).status == 401
    s = stats(sock)
    assert s["logons"]["bad_credentials"] == 1 and s["logons"]["ok"] == 1, s
    assert s["TOKEN"]["hits"] == 3 and s["TOKEN"]["entries"] == 1, s  # never a hit


def test_flush_tokens_of_a_user_forces_that_users_next_logon(guise, accounts, ctl_dir):
    alice, bob = accounts.add("alice"), accounts.add("bob")
    sock = ctl_dir / "ctl" / "ctl.sock"
    server = start(guise, accounts, sock)
    for user in (alice, bob):
        assert guise.get("/a.txt", headers=basic(user.name, user.password)).status == 200
    assert stats(sock)["logons"]["ok"] == 2

    done = ctl(sock, "flush-tokens", "alice")
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok removed=1\n", "")
    s = stats(sock)
    assert s["TOKEN"]["entries"] == 1 and s["TOKEN"]["deletions"] == 1, s

    assert guise.get("/a.txt", headers=basic("alice", alice.password)).status == 200
    assert guise.get("/a.txt", headers=basic("bob", bob.password)).status == 200
    s = stats(sock)
    assert s["logons"]["ok"] == 3, s  # alice's logon ran again, bob's was a hit
    assert "flush-tokens alice: removed=1" in server.stderr()

    assert ctl(sock, "flush-tokens", "nobody-here").stdout == "ok removed=0\n"
    done = ctl(sock, "flush-tokens")
    assert (done.returncode, done.stdout) == (0, "ok removed=2\n")
    assert stats(sock)["TOKEN"]["entries"] == 0


def test_an_unused_token_expires_after_its_ttl(guise, accounts, ctl_dir):
    alice = accounts.add("alice")
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock, token_cache='<tokenCache userTokenTTL="1"/>')
    assert guise.get("/a.txt", headers=basic("alice", alice.password)).status == 200
    t0 = time.monotonic()
    assert stats(sock)["TOKEN"]["entries"] == 1

    # A pass every half TTL; unused for two passes, the entry goes: 1 to 1.5 s.
    expired = wait_until(lambda: stats(sock)["TOKEN"]["expirations"] == 1, scaled(5), 0.1)
    waited = time.monotonic() - t0
    assert expired, stats(sock)
    assert waited >= 0.9, waited
    s = stats(sock)
    assert s["TOKEN"]["entries"] == 0 and s["logons"]["ok"] == 1, s

    assert guise.get("/a.txt", headers=basic("alice", alice.password)).status == 200
    assert stats(sock)["logons"]["ok"] == 2  # PAM ran again


# ---- who may ask ----------------------------------------------------------------------------


def require_setpriv():
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv not found: install util-linux")


def test_the_socket_is_roots_alone(guise, accounts, ctl_dir):
    require_setpriv()
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock)
    st, dst = sock.lstat(), sock.parent.stat()
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
    assert (st.st_uid, st.st_gid) == (0, 0)
    assert stat.S_IMODE(dst.st_mode) == 0o700 and dst.st_uid == 0, oct(dst.st_mode)

    done = ctl(sock, "stats", prefix=SETPRIV)
    assert done.returncode == 2, done
    assert f"cannot connect to {sock}: Permission denied" in done.stderr, done.stderr


def test_a_reachable_socket_still_refuses_other_uids(guise, accounts, ctl_dir):
    """SO_PEERCRED: the socket made reachable by hand (0666 in a 0711 directory) is not enough."""
    require_setpriv()
    alice = accounts.add("alice")
    sock = ctl_dir / "ctl" / "ctl.sock"
    server = start(guise, accounts, sock)
    assert guise.get("/a.txt", headers=basic("alice", alice.password)).status == 200
    for d in (ctl_dir, sock.parent):
        d.chmod(0o711)
    sock.chmod(0o666)

    for args in (("stats",), ("flush-tokens",)):
        done = ctl(sock, *args, prefix=SETPRIV)
        assert done.returncode == 1, done
        assert done.stderr == ("error permission denied: uid 65534 is not root; only root may "
                               "use the control socket\n"), done.stderr
        assert done.stdout == ""
    assert stats(sock)["TOKEN"]["entries"] == 1  # nothing was flushed
    assert "control socket: refused process" in server.stderr()
    assert "of uid 65534 (not root)" in server.stderr()


# ---- bounded, clear answers -----------------------------------------------------------------


BAD_REQUESTS = {
    "unknown command": (b"status\n", "error unknown command 'status' (commands: stats, "
                                     "flush-tokens [USER])\n"),
    "empty line": (b"\n", "error empty request"),
    "blanks": (b" \t \r\n", "error empty request"),
    "argument to stats": (b"stats all\n", "error stats takes no argument\n"),
    "two users": (b"flush-tokens alice bob\n", "error flush-tokens takes at most one user"),
    "many words": (b"a b c d e f\n", "error too many words"),
    "NUL": (b"stats\x00\n", "error malformed request: control character 0x00"),
    "escape": (b"flush-tokens \x1b[2J\n", "error malformed request: control character 0x1b"),
    "not UTF-8": (b"flush-tokens \xff\xfe\n", "error malformed request: not UTF-8"),
    "line too long": (b"flush-tokens " + b"a" * 2000 + b"\n",
                      f"error request longer than {MAX_LINE} bytes\n"),
    "long without newline": (b"x" * 5000, f"error request longer than {MAX_LINE} bytes\n"),
    "HTTP": (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "error unknown command 'GET'"),
}


@pytest.mark.parametrize("name", BAD_REQUESTS)
def test_malformed_requests_get_one_clear_error_line(guise, accounts, ctl_dir, name):
    data, expected = BAD_REQUESTS[name]
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock)

    answer = one_error_line(ask(sock, data))
    assert answer.startswith(expected), answer
    assert stats(sock)["TOKEN"]["entries"] == 0  # and the server answers the next one


def test_the_longest_line_is_accepted_and_a_line_without_newline_at_close_counts(
        guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock)
    user = "u" * (MAX_LINE - len("flush-tokens "))
    assert ask(sock, f"flush-tokens {user}\n".encode()) == b"ok removed=0\n"
    assert ask(sock, b"stats", shut=True).endswith(b"\nok\n")
    assert ask(sock, b"stats\r\n").endswith(b"\nok\n")


def test_a_silent_client_is_cut_off_and_the_next_is_served(guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    half = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        t0 = time.monotonic()
        silent.connect(str(sock))
        half.connect(str(sock))
        half.sendall(b"sta")  # half a line, then nothing
        silent.settimeout(scaled(CTL_TIMEOUT + 5))
        answer = silent.recv(4096)
        assert answer == b"error no request line within 3000 ms\n", answer
        assert silent.recv(4096) == b""  # closed
        assert time.monotonic() - t0 < scaled(CTL_TIMEOUT + 2)

        # The next client waits its turn, then gets the same bounded treatment.
        half.settimeout(scaled(CTL_TIMEOUT + 5))
        assert half.recv(4096) == b"error no request line within 3000 ms\n"
        assert time.monotonic() - t0 < scaled(2 * CTL_TIMEOUT + 2)
    finally:
        silent.close()
        half.close()
    t1 = time.monotonic()
    assert stats(sock)["logons"]["ok"] == 0
    assert time.monotonic() - t1 < scaled(2)


def test_random_bytes_get_errors_and_the_server_keeps_answering(guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl" / "ctl.sock"
    server = start(guise, accounts, sock)
    rng = random.Random(20240601)
    for i in range(150):
        size = rng.choice((0, 1, 5, 40, 300, 1023, 1024, 1025, 3000))
        line = bytes(rng.randrange(256) for _ in range(size)).replace(b"\n", b" ")
        answer = ask(sock, line + b"\n")
        if answer.startswith(b"ok"):  # only if chance wrote a command
            assert line.split()[:1] in ([b"stats"], [b"flush-tokens"]), line
            continue
        one_error_line(answer)
    assert server.proc.poll() is None
    assert stats(sock)["TOKEN"]["entries"] == 0


# ---- the socket file's life -----------------------------------------------------------------


def test_a_live_socket_refuses_a_second_server(guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl" / "ctl.sock"
    start(guise, accounts, sock)
    second = guise.start_config(auth_config(guise.site), "--ctl-socket", sock,
                                env=accounts.env(), wait=False)
    assert second.wait(scaled(10)) == 1
    err = second.stderr()
    assert f"control socket {sock}: in use by another running server" in err, err
    assert "--ctl-socket PATH" in err and "--ctl-socket none" in err, err
    assert "listening" not in err
    assert stats(sock)["logons"]["ok"] == 0  # the first one still answers
    assert sock.exists()


def test_a_stale_socket_is_replaced(guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl" / "ctl.sock"
    sock.parent.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(sock))  # a socket file nobody listens on: as a killed server leaves it
    server = start(guise, accounts, sock)
    assert "replaced a stale one" in server.stderr()
    assert stats(sock)["logons"]["ok"] == 0


def test_what_is_not_a_socket_is_never_replaced(guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl.sock"
    sock.write_text("precious")
    server = start(guise, accounts, sock, wait=False)
    assert server.wait(scaled(10)) == 1
    assert f"control socket {sock}: the path exists and is not a socket" in server.stderr()
    assert sock.read_text() == "precious"


def test_a_socket_that_cannot_be_made_refuses_the_start(guise, accounts, ctl_dir):
    sock = ctl_dir / "missing" / "deeper" / "ctl.sock"
    server = start(guise, accounts, sock, wait=False)
    assert server.wait(scaled(10)) == 1
    err = server.stderr()
    assert f"control socket {sock}: cannot make its directory" in err, err
    assert "listening" not in err


@pytest.mark.parametrize("how", ["mode 0777", "nobody's"])
def test_a_directory_others_may_write_in_refuses_the_start(guise, accounts, ctl_dir, how):
    """Whoever may write there could put a socket of their own in place of guise's."""
    d = ctl_dir / "shared"
    d.mkdir()
    if how == "mode 0777":
        d.chmod(0o777)
    else:
        os.chown(d, pwd.getpwnam("nobody").pw_uid, -1)
    server = start(guise, accounts, d / "ctl.sock", wait=False)
    assert server.wait(scaled(10)) == 1
    err = server.stderr()
    assert "may be written by others" in err and "listening" not in err, err


IMPOSTOR = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
c.recv(1024)
c.sendall(b"ok removed=1\n")
"""


def test_the_client_refuses_a_socket_that_is_not_roots(ctl_dir):
    """An account that could put a socket where root looks for guise's is not believed."""
    ctl_dir.chmod(0o711)
    d = ctl_dir / "theirs"
    d.mkdir()
    os.chown(d, pwd.getpwnam("nobody").pw_uid, -1)
    sock = d / "ctl.sock"
    impostor = subprocess.Popen([*SETPRIV, sys.executable, "-c", IMPOSTOR, str(sock)],
                                stdin=subprocess.DEVNULL)
    try:
        assert wait_until(sock.exists, scaled(5)), "the impostor never listened"
        done = ctl(sock, "flush-tokens", "alice")
        assert done.returncode == 2, done
        assert "is not guise's" in done.stderr and "ok" not in done.stdout, done
    finally:
        impostor.kill()
        impostor.wait()


def test_the_socket_file_goes_at_sigterm(guise, accounts, ctl_dir):
    sock = ctl_dir / "ctl" / "ctl.sock"
    server = start(guise, accounts, sock)
    assert sock.exists()
    assert server.stop() == 0
    assert not sock.exists(), server.stderr()
    assert "not removed" not in server.stderr()
    done = ctl(sock, "stats")
    assert done.returncode == 2 and f"cannot connect to {sock}" in done.stderr, done


def test_none_and_the_embedded_default_make_no_socket(guise, accounts, ctl_dir):
    server = guise.start_config(auth_config(guise.site), "--ctl-socket", "none",
                                env=accounts.env())
    assert "control socket" not in server.stderr()
    server = guise.start()  # --root: the embedded default
    assert "control socket" not in server.stderr()


def test_client_usage_errors(ctl_dir):
    sock = ctl_dir / "ctl.sock"
    for args, words in ((("frobnicate",), "unknown command 'frobnicate'"),
                        (("stats", "x"), "stats takes no argument"),
                        ((), "which command?"),
                        (("--bogus", "stats"), "--bogus")):
        done = ctl(sock, *args)
        assert done.returncode == 2, (args, done)
        assert words in done.stderr and done.stderr.count("\n") == 1, (args, done.stderr)
    done = ctl(sock, "stats")
    assert done.returncode == 2
    assert f"cannot connect to {sock}: No such file or directory" in done.stderr
    done = subprocess.run([GUISE_BIN, "ctl", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "flush-tokens [USER]" in done.stdout
