"""
The cache observers: the sample modules token_logger and cache_logger (modules/, docs/
module-guide.md "Writing a cache observer"), and what any GL_CACHE_OPERATION listener may rely
on: a record it referenced stays valid after the cache let it go, and GL_NOTIFICATION_HANDLED
ends the chain.  Basic logons of the test's own accounts (the `accounts` fixture) fill the
TOKEN cache: a user's first request RETRIEVEs (a miss) then ADDs, the next ones RETRIEVE the
entry, and a logon with a new password ADDs and DELETEs the user's old entry.

The loggers write to the journal through libsystemd.  This machine runs no journald, so the
test is the journal: guise runs in a mount namespace of its own (unshare --mount, private
propagation) whose /run is a tmpfs with the test's directory bound on /run/systemd/journal,
where the test has bound the datagram socket journald would have, and reads the native
protocol off it.  For the syslog fallback, the namespace's /run has no journal and its /dev is
a tmpfs with the few devices bound in and the test's socket bound on /dev/log.  Nothing of the
host's /run or /dev changes; the tests check it.

Test modules (tests/e2e/modules, never installed):

    build/modules/test_token_keeper.so  keeps the first TOKEN record ADDed; GET /kept says
                                        whether its handles and SID are still valid, GET
                                        /release lets go
    build/modules/test_cache_chain.so   loaded as "stopper" (HIGH, returns HANDLED) and
                                        "watcher" (LOW); GET /chain: what each saw

Every test needs root (cwrap accounts, impersonation, mount namespaces): each skips and says
why otherwise.
"""
import os
import re
import shutil
import socket
import struct
from pathlib import Path

import pytest

from conftest import BUILD, GUISE_BIN, config_xml, scaled, site_xml, wait_until

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: test accounts need guise started as root, and the journal and syslog "
           "sockets are put in place in a mount namespace of guise's own; run the suite as root")

TOKEN_LOGGER = BUILD / "modules" / "token_logger.so"
CACHE_LOGGER = BUILD / "modules" / "cache_logger.so"
TOKEN_KEEPER = BUILD / "modules" / "test_token_keeper.so"
CACHE_CHAIN = BUILD / "modules" / "test_cache_chain.so"
REALM = "guise tests"
CLEARTEXT = 8  # LOGON32_LOGON_NETWORK_CLEARTEXT: basicAuthentication's logonMethod ClearText
HOST_JOURNAL = Path("/run/systemd/journal/socket")
HOST_DEVLOG = Path("/dev/log")

# The documented sample's shape, one line; hash is the key's GetHash as a signed decimal.
ENTRY = re.compile(
    r'<cacheProvider><tokenEntry impersonationToken="(valid|NULL)" primaryToken="(valid|NULL)" '
    r'sid="(valid|NULL)" flushed="(true|false)"><tokenKey userName="([^"]*)" logon="(-?\d+)" '
    r'cacheName="TOKEN" hash="(-?\d+)" isEqual="true" isPrefix="false"/></tokenEntry>'
    r'</cacheProvider>')
HEX64 = re.compile(rb"[0-9a-fA-F]{64}")


def entry_message(user, flushed, hash_):
    return ('<cacheProvider><tokenEntry impersonationToken="valid" primaryToken="valid" '
            f'sid="valid" flushed="{str(flushed).lower()}"><tokenKey userName="{user}" '
            f'logon="{CLEARTEXT}" cacheName="TOKEN" hash="{hash_}" isEqual="true" '
            'isPrefix="false"/></tokenEntry></cacheProvider>')


# ---- the journal's native protocol ---------------------------------------------------------


def parse_native(data: bytes) -> dict:
    """
    One datagram of journald's native protocol: "FIELD=value\\n", or for values that are not
    one line "FIELD\\n" + 64-bit little-endian length + value + "\\n".  {FIELD: value (str)};
    a field given twice fails (the loggers never do).
    """
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        eq = data.find(b"=", i, nl)
        if eq >= 0:
            name, value, i = data[i:eq], data[eq + 1:nl], nl + 1
        else:
            name = data[i:nl]
            (n,) = struct.unpack_from("<Q", data, nl + 1)
            value = data[nl + 9:nl + 9 + n]
            assert data[nl + 9 + n:nl + 10 + n] == b"\n", f"binary field {name!r} not ended"
            i = nl + 10 + n
        key = name.decode()
        assert key not in fields, f"{key} twice in {data!r}"
        fields[key] = value.decode()
    return fields


class Sink:
    """
    A datagram socket bound at path, 0666 (guise writes as www-data): what journald's or
    syslogd's socket would receive.  datagrams() drains what arrived; a datagram that passes
    a file descriptor (sd_journal_send does, via a memfd, for messages too big for one
    datagram) fails the test: the loggers' messages are small.
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o755)
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        path.chmod(0o666)
        self.sock.setblocking(False)
        self.received = []

    def _drain(self):
        while True:
            try:
                data, anc, flags, _ = self.sock.recvmsg(1 << 20, socket.CMSG_SPACE(64))
            except BlockingIOError:
                return
            assert not anc, f"a datagram passed ancillary data (an fd?): {anc!r}"
            assert not flags & socket.MSG_TRUNC, "a datagram was truncated"
            self.received.append(data)

    def datagrams(self) -> list:
        self._drain()
        return list(self.received)

    def wait_for(self, predicate, timeout=None) -> list:
        """Waits until predicate(datagrams) is true; the datagrams (asserted there)."""
        wait_until(lambda: predicate(self.datagrams()), timeout or scaled(5), 0.02)
        got = self.datagrams()
        assert predicate(got), f"not there after the wait: {got!r}"
        return got

    def close(self):
        self.sock.close()


def journal_events(sink, module) -> list:
    """The journal fields of the datagrams module (GUISE_MODULE) sent, in order."""
    events = [parse_native(d) for d in sink.datagrams()]
    return [e for e in events if e.get("GUISE_MODULE") == module]


# ---- guise in a mount namespace of its own ---------------------------------------------------

# sh's $0 is the test's directory; "$@" is guise's command line.  sh execs guise: the PID the
# fixture holds (and stops with SIGTERM) is guise's.
JOURNAL_NS = ('mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/systemd/journal && '
              'mount --bind "$0/journal" /run/systemd/journal && exec "$@"')
# /dev/log does not exist on the host, and a mount point must: the namespace's /dev is a tmpfs
# (mounted on the test's directory, then recursively bound on /dev, so that the devices bound
# into it come along) holding the few devices a process may open, and a file to bind the
# test's socket on.
DEVICES = "null zero full random urandom tty"
SYSLOG_NS = ('mount -t tmpfs -o mode=0755 tmpfs /run && '
             'mount -t tmpfs -o mode=0755 tmpfs "$0/dev" && '
             f'for d in {DEVICES}; do touch "$0/dev/$d" && mount --bind "/dev/$d" "$0/dev/$d" '
             '|| exit 1; done && '
             'touch "$0/dev/log" && mount --bind "$0/syslog/socket" "$0/dev/log" && '
             'mount --rbind "$0/dev" /dev && exec "$@"')


def namespace(script, base: Path) -> list:
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is missing (util-linux)")
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(base)]


def check_is_guise_elsewhere(server):
    """The PID held is guise itself (sh exec'd it), in a mount namespace that is not ours."""
    assert os.path.realpath(f"/proc/{server.pid}/exe") == os.path.realpath(GUISE_BIN)
    assert os.readlink(f"/proc/{server.pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt")


@pytest.fixture
def host_untouched():
    """The host's journal socket and /dev/log are as they were after the test."""
    before = (HOST_JOURNAL.exists(), HOST_DEVLOG.exists())
    yield
    assert (HOST_JOURNAL.exists(), HOST_DEVLOG.exists()) == before


def basic_config(site, file_cache=False) -> str:
    """Basic only.  The FILE cache is off unless asked for: these tests follow the TOKEN
    cache's operations, which the FILE cache's (one RETRIEVE per file served) would join."""
    sections = ('<security><authentication><anonymousAuthentication enabled="false"/>'
                f'<basicAuthentication enabled="true" realm="{REALM}"/></authentication>'
                '</security>')
    config = config_xml(site_xml("Secure", 1, site.root), web_server=sections,
                        process_user="www-data")
    if not file_cache:
        config = config.replace("</system.applicationHost>",
                                '<fileCache enabled="false"/></system.applicationHost>')
    return config


def start(guise, accounts, modules, env=(), prefix=(), file_cache=False):
    """guise with Basic only, the modules ({name: path}), the accounts, env set (and the
    loggers' switches unset unless given)."""
    environment = accounts.env()
    for var in ("GUISE_TOKEN_LOGGER", "GUISE_CACHE_LOGGER"):
        environment.pop(var, None)
    environment.update(dict(env))
    args = []
    for name, path in modules.items():
        args += ["--module", f"{name}={path}"]
    guise.site.file("page.txt", "page\n", mode=0o644)
    return guise.start_config(basic_config(guise.site, file_cache), *args, env=environment,
                              prefix=prefix)


def change_password(accounts, account, password):
    """pam_matrix reads its passdb at each logon: the new password counts from now on."""
    account.password = password
    accounts.write()


# ---- token_logger --------------------------------------------------------------------------------


def test_token_logger_writes_the_sample_for_add_retrieve_delete_and_cleanup(
        guise, accounts, tmp_path, host_untouched):
    alice = accounts.add("alice", password="alice-old-pw")
    sink = Sink(tmp_path / "journal" / "socket")
    try:
        server = start(guise, accounts, {"token_logger": TOKEN_LOGGER},
                       env={"GUISE_TOKEN_LOGGER": "1"},
                       prefix=namespace(JOURNAL_NS, tmp_path))
        check_is_guise_elsewhere(server)
        assert sink.datagrams() == [], "nothing before the first request"

        # First Basic request: RETRIEVE misses (no record: not logged), the logon ADDs.
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        sink.wait_for(lambda d: len(d) >= 1)
        # Second: RETRIEVE finds the entry.
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        sink.wait_for(lambda d: len(d) >= 2)
        # A new password: its logon ADDs a new entry and DELETEs the old one (flushed).
        change_password(accounts, alice, "alice-new-pw")
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        sink.wait_for(lambda d: len(d) >= 4)
        # SIGTERM: the caches are purged (no operation raised), then GL_CACHE_CLEANUP.
        assert server.stop() == 0
        datagrams = sink.wait_for(lambda d: len(d) >= 5)
    finally:
        sink.close()

    events = [parse_native(d) for d in datagrams]
    assert len(events) == 5, events
    for e in events:
        assert e["GUISE_MODULE"] == "token_logger"
        assert e["SYSLOG_IDENTIFIER"] == "guise"
        assert e["PRIORITY"] == "6"
    ops, cleanup = events[:4], events[4]
    assert [e["GUISE_CACHE_OPERATION"] for e in ops] == [
        "CACHE_OPERATION_ADD", "CACHE_OPERATION_RETRIEVE", "CACHE_OPERATION_ADD",
        "CACHE_OPERATION_DELETE"]
    hashes = []
    for e in ops:
        m = ENTRY.fullmatch(e["MESSAGE"])
        assert m, e["MESSAGE"]
        hashes.append(m.group(7))
        assert e["GUISE_CACHE_NOTIFICATION"] == "GL_CACHE_OPERATION"
        assert e["GUISE_CACHE_NAME"] == "TOKEN"
        assert e["GUISE_USER_NAME"] == "alice"
        assert e["GUISE_LOGON_METHOD"] == str(CLEARTEXT)
    # The old entry is ADDed, RETRIEVEd and DELETEd (flushed); the new one ADDed.
    assert hashes[0] == hashes[1] == hashes[3]
    expected = [entry_message("alice", False, hashes[0]), entry_message("alice", False, hashes[0]),
                entry_message("alice", False, hashes[2]), entry_message("alice", True, hashes[0])]
    assert [e["MESSAGE"] for e in ops] == expected
    assert [e["GUISE_FLUSHED"] for e in ops] == ["0", "0", "0", "1"]
    assert cleanup["MESSAGE"] == "OnGlobalCacheCleanup"
    assert cleanup["GUISE_CACHE_NOTIFICATION"] == "GL_CACHE_CLEANUP"
    assert "GUISE_CACHE_OPERATION" not in cleanup

    # Never a password, never a password hash (64 hex digits), in any field.
    for d in datagrams:
        assert b"alice-old-pw" not in d and b"alice-new-pw" not in d
        assert not HEX64.search(d), d
        assert b"passwordHash" not in d and b"hashedPassword" not in d


def test_user_names_from_the_network_are_escaped(guise, accounts, tmp_path, host_untouched):
    """A user name with XML's markup characters (and a failed logon's name, never cached, is
    never logged)."""
    odd = accounts.add("o&b<'>", password="odd-pw")
    sink = Sink(tmp_path / "journal" / "socket")
    try:
        server = start(guise, accounts, {"token_logger": TOKEN_LOGGER},
                       env={"GUISE_TOKEN_LOGGER": "1"},
                       prefix=namespace(JOURNAL_NS, tmp_path))
        assert server.get("/page.txt", headers=odd.auth("wrong")).status == 401
        assert server.get("/page.txt", headers=odd.auth()).status == 200
        datagrams = sink.wait_for(lambda d: len(d) >= 1)
    finally:
        sink.close()
    events = [parse_native(d) for d in datagrams]
    assert len(events) == 1, events
    m = ENTRY.fullmatch(events[0]["MESSAGE"])
    assert m, events[0]["MESSAGE"]
    assert m.group(5) == "o&amp;b&lt;&apos;&gt;"
    assert events[0]["GUISE_USER_NAME"] == "o&b<'>"  # a field is raw, binary-safe


def test_the_loggers_are_quiet_unless_enabled(guise, accounts, tmp_path, host_untouched):
    """token_logger loaded without GUISE_TOKEN_LOGGER (and with =0) writes nothing, while
    cache_logger, enabled, shows the journal was reachable all along: one line per operation,
    of every outcome."""
    alice = accounts.add("alice")
    sink = Sink(tmp_path / "journal" / "socket")
    try:
        server = start(guise, accounts,
                       {"cache_logger": CACHE_LOGGER, "token_logger": TOKEN_LOGGER},
                       env={"GUISE_CACHE_LOGGER": "1"}, prefix=namespace(JOURNAL_NS, tmp_path))
        check_is_guise_elsewhere(server)
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        sink.wait_for(lambda d: len(d) >= 3)
        assert server.stop() == 0
        datagrams = sink.datagrams()
    finally:
        sink.close()
    events = [parse_native(d) for d in datagrams]
    assert all(e["GUISE_MODULE"] == "cache_logger" for e in events), events
    assert [(e["MESSAGE"], e["GUISE_CACHE_NAME"], e["GUISE_CACHE_RECORD"]) for e in events] == [
        ("GetCacheOperation: CACHE_OPERATION_RETRIEVE", "TOKEN", "NULL"),  # the miss
        ("GetCacheOperation: CACHE_OPERATION_ADD", "TOKEN", "valid"),
        ("GetCacheOperation: CACHE_OPERATION_RETRIEVE", "TOKEN", "valid"),
    ]
    assert [e["GUISE_CACHE_OPERATION"] for e in events] == [
        "CACHE_OPERATION_RETRIEVE", "CACHE_OPERATION_ADD", "CACHE_OPERATION_RETRIEVE"]
    for e in events:
        assert e["SYSLOG_IDENTIFIER"] == "guise" and e["PRIORITY"] == "6"


def test_cache_logger_sees_every_cache(guise, accounts, tmp_path, host_untouched):
    """With the FILE cache on, cache_logger reports its operations too, each with its
    cache's name, in the order they happened within each cache."""
    alice = accounts.add("alice")
    sink = Sink(tmp_path / "journal" / "socket")
    try:
        server = start(guise, accounts, {"cache_logger": CACHE_LOGGER},
                       env={"GUISE_CACHE_LOGGER": "1"}, prefix=namespace(JOURNAL_NS, tmp_path),
                       file_cache=True)
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        sink.wait_for(lambda d: len(d) >= 6)
        assert server.stop() == 0
        datagrams = sink.datagrams()
    finally:
        sink.close()
    events = [parse_native(d) for d in datagrams]
    by_cache = {}
    for e in events:
        by_cache.setdefault(e["GUISE_CACHE_NAME"], []).append(
            (e["GUISE_CACHE_OPERATION"], e["GUISE_CACHE_RECORD"]))
    expected = [("CACHE_OPERATION_RETRIEVE", "NULL"), ("CACHE_OPERATION_ADD", "valid"),
                ("CACHE_OPERATION_RETRIEVE", "valid")]
    assert by_cache == {"TOKEN": expected, "FILE": expected}


def test_token_logger_set_to_0_is_quiet(guise, accounts, tmp_path, host_untouched):
    alice = accounts.add("alice")
    sink = Sink(tmp_path / "journal" / "socket")
    try:
        server = start(guise, accounts, {"token_logger": TOKEN_LOGGER},
                       env={"GUISE_TOKEN_LOGGER": "0", "GUISE_CACHE_LOGGER": "1"},
                       prefix=namespace(JOURNAL_NS, tmp_path))
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        assert server.stop() == 0
        assert sink.datagrams() == []
    finally:
        sink.close()


def test_without_a_journal_the_loggers_write_to_syslog(guise, accounts, tmp_path,
                                                       host_untouched):
    alice = accounts.add("alice")
    (tmp_path / "dev").mkdir()
    sink = Sink(tmp_path / "syslog" / "socket")
    try:
        server = start(guise, accounts,
                       {"token_logger": TOKEN_LOGGER, "cache_logger": CACHE_LOGGER},
                       env={"GUISE_TOKEN_LOGGER": "1", "GUISE_CACHE_LOGGER": "1"},
                       prefix=namespace(SYSLOG_NS, tmp_path))
        check_is_guise_elsewhere(server)
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        assert server.get("/page.txt", headers=alice.auth()).status == 200
        sink.wait_for(lambda d: len(d) >= 5)
        assert server.stop() == 0
        datagrams = sink.wait_for(lambda d: len(d) >= 6)
    finally:
        sink.close()
    # glibc's syslog(3): "<PRI>Mmm dd hh:mm:ss TAG: message", PRI = LOG_DAEMON | LOG_INFO = 30.
    line = re.compile(r"<30>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d guise: (.*)")
    messages = []
    for d in datagrams:
        m = line.fullmatch(d.decode())
        assert m, d
        messages.append(m.group(1))
    assert len(messages) == 6, messages
    # Both loggers run FIRST, in load order: token_logger, then cache_logger.
    prefix = "token_logger: "
    assert messages[0] == "cache_logger: GetCacheOperation: CACHE_OPERATION_RETRIEVE cache=TOKEN record=NULL"
    assert messages[1].startswith(prefix + "CACHE_OPERATION_ADD: ")
    assert messages[2] == "cache_logger: GetCacheOperation: CACHE_OPERATION_ADD cache=TOKEN record=valid"
    assert messages[3].startswith(prefix + "CACHE_OPERATION_RETRIEVE: ")
    assert messages[4] == "cache_logger: GetCacheOperation: CACHE_OPERATION_RETRIEVE cache=TOKEN record=valid"
    assert messages[5] == prefix + "OnGlobalCacheCleanup"
    for text in (messages[1], messages[3]):
        m = ENTRY.fullmatch(text.split(": ", 2)[2])
        assert m and m.groups()[:6] == ("valid", "valid", "valid", "false", "alice",
                                        str(CLEARTEXT)), text
    for d in datagrams:
        assert not HEX64.search(d) and b"alice-pw" not in d


# ---- a record kept past the notification ---------------------------------------------------------


def test_a_referenced_token_entry_stays_valid_after_the_cache_flushed_it(guise, accounts):
    alice = accounts.add("alice", password="alice-old-pw")
    server = start(guise, accounts, {"keeper": TOKEN_KEEPER})
    assert server.get("/kept").body == b"kept=0\n"
    assert server.get("/page.txt", headers=alice.auth()).status == 200

    def kept():
        return dict(line.split("=", 1) for line in server.get("/kept").body.decode().split())

    sid_text = f"S-1-22-1-{alice.uid}"
    valid = {"kept": "1", "impersonation": "valid", "primary": "valid", "sid": "valid",
             "user": "alice", "uid": str(alice.uid), "sid_text": sid_text, "same_sid": "1"}
    assert kept() == {**valid, "flushed": "0"}
    # A logon with a new password removes the old entry: the cache drops its reference and
    # flushes it; the keeper's reference keeps the entry and what it lends valid.
    change_password(accounts, alice, "alice-new-pw")
    assert server.get("/page.txt", headers=alice.auth()).status == 200
    assert server.get("/page.txt", headers=alice.auth("alice-old-pw")).status == 401
    assert kept() == {**valid, "flushed": "1"}
    assert kept() == {**valid, "flushed": "1"}
    assert server.get("/release").body == b"released=1\n"
    assert server.get("/kept").body == b"kept=0\n"
    assert server.get("/release").body == b"released=0\n"
    assert server.get("/page.txt", headers=alice.auth()).status == 200


# ---- GL_NOTIFICATION_HANDLED -----------------------------------------------------------------------


def chain_counts(server) -> dict:
    return {k: int(v) for k, v in
            (line.split("=") for line in server.get("/chain").body.decode().split())}


def test_handled_stops_the_cache_operation_chain(guise, accounts):
    """The stopper (HIGH) returns HANDLED: the watcher (LOW), loaded first, sees nothing."""
    alice = accounts.add("alice")
    server = start(guise, accounts, {"watcher": CACHE_CHAIN, "stopper": CACHE_CHAIN})
    assert server.get("/page.txt", headers=alice.auth()).status == 200
    assert server.get("/page.txt", headers=alice.auth()).status == 200
    assert chain_counts(server) == {"stopper": 3, "watcher": 0}  # RETRIEVE, ADD, RETRIEVE


def test_without_handled_the_chain_goes_on(guise, accounts):
    alice = accounts.add("alice")
    server = start(guise, accounts, {"watcher": CACHE_CHAIN})
    assert server.get("/page.txt", headers=alice.auth()).status == 200
    assert server.get("/page.txt", headers=alice.auth()).status == 200
    assert chain_counts(server) == {"stopper": 0, "watcher": 3}
