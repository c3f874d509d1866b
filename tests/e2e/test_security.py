"""
Authentication and impersonation (docs/configuration.md, system.webServer/security/
authentication; DESIGN.md, "Tokens and impersonation on Linux").  guise started as root
becomes www-data keeping only CAP_SETUID and CAP_SETGID, logs Basic users on with PAM on
its logon threads, and opens files as the request's user, so that the kernel's mode bits
and POSIX ACLs decide who reads what.

Accounts are the test's own (the `accounts` fixture: nss_wrapper, pam_wrapper + pam_matrix),
except in test_a_real_local_account_logs_on_through_the_system_pam_stack, which makes one
with useradd.  What the build makes for these tests (never installed):

    build/pam/pam_guise_test.so     tests/e2e/pam: a PAM module that hangs (sleep=N user=NAME,
                                    mark=PATH: exists while it does) or refuses an account
                                    (deny=NAME)
    build/preload/fail_setfsuid.so  tests/e2e/preload: setfsuid(2) fails for one uid
    build/modules/test_whoami.so    tests/e2e/modules/whoami.c: GET /whoami answers what
                                    IHttpUser says (name, remote name, type, IsInRole staff)

Every test needs root (the kernel checks real uids): each skips and says why otherwise.
"""
import base64
import os
import pwd
import secrets
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import (BUILD, LIBDIR, REPO, SANITIZED, config_xml, parse_response, parse_w3c,
                      preload_env, require_root, scaled, site_xml, wait_until)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: guise impersonates only when started as root (the kernel checks "
           "real uids); run the suite as root")

PROCESS_USER = "www-data"
REALM = "guise tests"
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
PAM_TEST = BUILD / "pam" / "pam_guise_test.so"
FAIL_SETFSUID = BUILD / "preload" / "fail_setfsuid.so"
WHOAMI = BUILD / "modules" / "test_whoami.so"
SETPRIV = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
CAPS_KEPT = "00000000000000c0"  # CAP_SETGID (6) and CAP_SETUID (7)
THROTTLE_FIRST_DELAY = 0.25  # src/security/throttle.h: after 3 failures, 250 ms
CLOCK_SLACK = 0.005  # guise counts whole milliseconds


# ---- helpers --------------------------------------------------------------------------------


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def basic_raw(pair: bytes) -> str:
    return "Basic " + base64.b64encode(pair).decode()


def auth_config(site, basic_auth=True, anonymous=True, anonymous_user=None, domain=None,
                process_user=PROCESS_USER, more="") -> str:
    """One site on site.root with these authentication settings, the pools' account
    process_user (guise's default, www-data), and more system.webServer XML."""
    anon = f'<anonymousAuthentication enabled="{str(anonymous).lower()}"'
    if anonymous_user is not None:
        anon += f' userName="{anonymous_user}"'
    basic_el = f'<basicAuthentication enabled="{str(basic_auth).lower()}" realm="{REALM}"'
    if domain is not None:
        basic_el += f' defaultLogonDomain="{domain}"'
    sections = f"<security><authentication>{anon}/>{basic_el}/></authentication></security>"
    return config_xml(site_xml("Secure", 1, site.root), web_server=sections + more,
                      process_user=process_user)


def start(guise, accounts, *args, preload=(), env=None, **settings):
    """guise on auth_config(**settings) with the test's accounts, the whoami module and an
    access log; preload: libraries to preload too; env: more environment variables."""
    environment = accounts.env(*preload)
    environment.update(env or {})
    return guise.start_config(auth_config(guise.site, **settings), "--module", f"whoami={WHOAMI}",
                              *args, log=True, env=environment)


def logged(server, *queries) -> dict:
    """
    The access log's entries of the requests whose query strings are queries, by query,
    once all are there (the log is flushed about once a second, per loop: out of order).
    """
    found = {}

    def all_there():
        found.clear()
        text = server.log_path.read_text() if server.log_path.exists() else ""
        for e in parse_w3c(text[:text.rfind("\n") + 1]):
            if e["cs-uri-query"] in queries:
                assert e["cs-uri-query"] not in found, f"logged twice: {e!r}"
                found[e["cs-uri-query"]] = e
        return len(found) == len(queries)

    assert wait_until(all_there, scaled(5), 0.05), (
        f"not in the access log: {sorted(set(queries) - set(found))}\n"
        + (server.log_path.read_text() if server.log_path.exists() else "(no log)"))
    return found


def status_fields(path: Path) -> dict:
    return dict(line.split(":\t", 1) for line in path.read_text().splitlines() if ":\t" in line)


def threads(pid) -> dict:
    """{tid: the fields of /proc/PID/task/TID/status} of every thread alive."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out[task.name] = status_fields(task / "status")
        except (FileNotFoundError, ProcessLookupError):
            pass  # the thread ended meanwhile
    return out


def credentials(fields: dict):
    """(uids, gids, groups): real, effective, saved and file-system ids; the groups' set."""
    return (tuple(int(v) for v in fields["Uid"].split()),
            tuple(int(v) for v in fields["Gid"].split()),
            frozenset(int(v) for v in fields["Groups"].split()))


def process_identity(name=PROCESS_USER):
    pw = pwd.getpwnam(name)
    return ((pw.pw_uid,) * 4, (pw.pw_gid,) * 4,
            frozenset(os.getgrouplist(name, pw.pw_gid)))


def others(pid, expected):
    """The threads whose credentials are not expected: {tid: (name, credentials)}."""
    return {tid: (f["Name"], credentials(f)) for tid, f in threads(pid).items()
            if credentials(f) != expected}


def assert_threads_on_process_identity(server, name=PROCESS_USER):
    """Every thread of server, polled until they are (a loop settles once at rest)."""
    expected = process_identity(name)
    assert wait_until(lambda: not others(server.pid, expected), scaled(3)), (
        f"threads not back to {name} {expected}: {others(server.pid, expected)}")


def timed(fn, *args, **kwargs):
    t0 = time.monotonic()
    r = fn(*args, **kwargs)
    return r, time.monotonic() - t0


def request_bytes(path, headers) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# ---- who reads what -------------------------------------------------------------------------


def test_a_private_file_is_served_to_its_owner_only(guise, accounts, site):
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("alice.txt", "alice's secret", owner=alice, mode=0o600)
    server = start(guise, accounts)

    r = server.get("/alice.txt?as=alice", headers=alice.auth())
    assert (r.status, r.body) == (200, b"alice's secret")
    r = server.get("/alice.txt?as=not-alice", headers=alice.auth("a-guess"))  # after a success
    assert r.status == 401
    assert b"secret" not in r.body

    r = server.get("/alice.txt?as=bob", headers=bob.auth())
    assert r.status == 401
    assert b"secret" not in r.body
    assert r.headers.get_all("WWW-Authenticate") == [CHALLENGE]

    r = server.get("/alice.txt?as=anonymous")  # as nobody
    assert r.status == 401
    assert b"secret" not in r.body
    assert r.headers.get_all("WWW-Authenticate") == [CHALLENGE]

    log = logged(server, "as=alice", "as=not-alice", "as=bob", "as=anonymous")
    assert [log["as=alice"][k] for k in ("cs-username", "sc-status", "sc-substatus")] == \
        ["alice", "200", "0"]
    assert [log["as=not-alice"][k] for k in ("sc-status", "sc-substatus")] == ["401", "1"]
    assert [log["as=bob"][k] for k in ("cs-username", "sc-status", "sc-substatus",
                                       "sc-win32-status")] == ["bob", "401", "3", "5"]
    assert [log["as=anonymous"][k] for k in ("cs-username", "sc-status", "sc-substatus")] == \
        ["-", "401", "3"]


def test_a_group_readable_file_is_served_to_the_groups_members_only(guise, accounts, site):
    alice = accounts.add("alice", groups=["staff"])
    bob = accounts.add("bob")
    staff = accounts.group("staff")
    site.file("staff.txt", "for staff", owner=0, group=staff, mode=0o640)
    server = start(guise, accounts)

    r = server.get("/staff.txt", headers=alice.auth())
    assert (r.status, r.body) == (200, b"for staff")
    assert server.get("/staff.txt", headers=bob.auth()).status == 401
    assert server.get("/staff.txt").status == 401


def test_posix_acls_grant_and_deny(guise, accounts, site):
    if shutil.which("setfacl") is None:
        pytest.skip("setfacl not found: install the acl package (scripts/deps.sh test)")
    alice, bob, carol = accounts.add("alice"), accounts.add("bob"), accounts.add("carol")
    granted = site.file("granted.txt", "granted to bob", owner=alice, mode=0o600)
    denied = site.file("denied.txt", "readable by all but bob", owner=0, group=0, mode=0o644)
    subprocess.run(["setfacl", "-m", f"u:{bob.uid}:r", str(granted)], check=True)
    subprocess.run(["setfacl", "-m", f"u:{bob.uid}:-", str(denied)], check=True)
    server = start(guise, accounts)

    r = server.get("/granted.txt", headers=bob.auth())
    assert (r.status, r.body) == (200, b"granted to bob")
    assert server.get("/granted.txt", headers=alice.auth()).status == 200  # the owner
    assert server.get("/granted.txt", headers=carol.auth()).status == 401  # neither

    assert server.get("/denied.txt", headers=bob.auth()).status == 401
    r = server.get("/denied.txt", headers=carol.auth())
    assert (r.status, r.body) == (200, b"readable by all but bob")


def test_failed_logons_are_401_and_logged_with_the_reason(guise, accounts, site):
    alice = accounts.add("alice")
    carol = accounts.add("carol")  # PAM knows her password, and refuses her account
    accounts.add("ghost", pam=False)  # NSS knows ghost, PAM does not
    accounts.account_lines.append(f"required {PAM_TEST} deny=carol")
    site.file("public.txt", "public")
    server = start(guise, accounts)

    # Each from an address of its own: a third failure from one address would slow the next.
    attempts = {
        "wrong-password": (alice.auth("not-her-password"), "127.0.0.2"),
        "unknown-user": (basic("zoe", "zoe-pw"), "127.0.0.3"),
        "no-pam-user": (basic("ghost", "ghost-pw"), "127.0.0.4"),
        "refused-account": (carol.auth(), "127.0.0.5"),
        "empty-password": (alice.auth(""), "127.0.0.6"),
        "empty-user": (basic("", "pw"), "127.0.0.7"),
    }
    for query, (headers, source) in attempts.items():
        r = server.get(f"/public.txt?{query}", headers=headers, source=source)
        assert r.status == 401, query
        assert b"public" not in r.body, query
        assert r.headers.get_all("WWW-Authenticate") == [CHALLENGE], query

    log = logged(server, *attempts)
    for query in attempts:
        assert (log[query]["sc-status"], log[query]["sc-substatus"]) == ("401", "1"), query
    # ERROR_LOGON_FAILURE for bad names and passwords, ERROR_ACCOUNT_DISABLED for a refusal
    assert log["wrong-password"]["sc-win32-status"] == "1326"
    assert log["unknown-user"]["sc-win32-status"] == "1326"
    assert log["no-pam-user"]["sc-win32-status"] == "1326"
    assert log["refused-account"]["sc-win32-status"] == "1331"
    assert log["empty-password"]["sc-win32-status"] == "1326"
    assert log["empty-user"]["sc-win32-status"] == "1326"

    err = server.stderr()
    assert "logon of 'alice' failed: bad user name or password" in err
    assert "logon of 'zoe' failed: bad user name or password" in err
    assert "logon of 'ghost' failed: bad user name or password" in err
    assert "logon of 'carol' failed: account refused (User account has expired)" in err
    assert "not-her-password" not in err  # passwords are never logged

    # alice's name has two failures, no address more than one: her logon is not delayed
    r, took = timed(server.get, "/public.txt", headers=alice.auth(), source="127.0.0.8")
    assert r.status == 200 and took < THROTTLE_FIRST_DELAY


def test_alternating_users_each_get_exactly_their_own_access(guise, accounts, site):
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    site.file("bob.txt", "bob's own", owner=bob, mode=0o600)
    server = start(guise, accounts, "--threads", "2")

    def expected(i):
        """alice, bob and anonymous in turn, each file in turn: every pair, over and over."""
        user = (alice, bob, None)[i % 3]
        owner = (alice, bob)[(i // 3) % 2]
        want = (200, f"{owner.name}'s own".encode()) if user is owner else (401, None)
        return user, f"/{owner.name}.txt?i={i}", want

    def check(i, user, path, r, status, body):
        who = user.name if user else "anonymous"
        assert r.status == status, f"request {i}: {who} GET {path}"
        if body is not None:
            assert r.body == body, f"request {i}: {who} GET {path}"
        else:
            assert b"own" not in r.body, f"request {i}: {who} GET {path}"

    with server.connect() as conn:  # one keep-alive connection: one loop thread
        for i in range(50):
            user, path, (status, body) = expected(i)
            conn.send(request_bytes(path, user.auth() if user else {}))
            check(i, user, path, conn.response(), status, body)

    for i in range(50):  # a connection each
        user, path, (status, body) = expected(i)
        check(i, user, path, server.get(path, headers=user.auth() if user else {}), status, body)


def test_directory_listings_and_default_documents_are_read_as_the_user(guise, accounts, site):
    alice, bob = accounts.add("alice"), accounts.add("bob")
    private = site.dir("private")
    os.chown(private, alice.uid, alice.gid)
    private.chmod(0o700)
    site.file("private/alice-only-name.txt", "x", owner=alice, mode=0o600)
    site.file("docs/index.html", "alice's index", owner=alice, mode=0o600)
    server = start(guise, accounts, more='<directoryBrowse enabled="true"/><defaultDocument>'
                                         '<files><add value="index.html"/></files>'
                                         '</defaultDocument>')

    r = server.get("/private/", headers=alice.auth())
    assert r.status == 200 and b"alice-only-name.txt" in r.body
    for headers in (bob.auth(), {}):
        r = server.get("/private/", headers=headers)
        assert r.status == 401 and b"alice-only-name" not in r.body

    r = server.get("/docs/", headers=alice.auth())
    assert (r.status, r.body) == (200, b"alice's index")
    for headers in (bob.auth(), {}):
        r = server.get("/docs/", headers=headers)
        assert r.status == 401 and b"alice's index" not in r.body


# ---- the identities of the process and its threads ----------------------------------------


def test_every_thread_returns_to_the_process_identity(guise, accounts, site):
    alice = accounts.add("alice", groups=["staff"])
    bob = accounts.add("bob")
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    site.file("staff.txt", "for staff", owner=0, group=accounts.group("staff"), mode=0o640)
    site.file("public.txt", "public")
    server = start(guise, accounts, "--threads", "4")

    calls = [(path, headers, None) for _ in range(6)
             for path in ("/alice.txt", "/staff.txt", "/public.txt", "/missing.txt")
             for headers in (alice.auth(), bob.auth(), {})]
    calls += [("/public.txt", alice.auth("wrong"), "127.0.0.2")] * 2  # not 3: no throttling
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda c: server.get(c[0], headers=c[1], source=c[2]).status,
                                 calls))
    assert {200, 401, 404} <= set(statuses)  # every kind of scope was entered

    assert_threads_on_process_identity(server)


def test_the_process_runs_as_www_data_with_only_setuid_and_setgid(guise, accounts, site):
    alice = accounts.add("alice")
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    server = start(guise, accounts, "--threads", "2")
    assert server.get("/alice.txt", headers=alice.auth()).status == 200  # logon threads run

    assert f"running as {PROCESS_USER}" in server.stderr()
    f = status_fields(Path(f"/proc/{server.pid}/status"))  # the main thread's
    assert {k: f[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")} == {
        "CapInh": "0" * 16, "CapPrm": CAPS_KEPT, "CapEff": CAPS_KEPT, "CapBnd": CAPS_KEPT,
        "CapAmb": "0" * 16}
    assert_threads_on_process_identity(server)


def test_every_thread_keeps_only_setuid_and_setgid(guise, accounts, site):
    alice = accounts.add("alice")
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    server = start(guise, accounts, "--threads", "2")  # with --log: its flusher thread
    assert server.get("/alice.txt", headers=alice.auth()).status == 200  # logon threads run

    for tid, f in threads(server.pid).items():
        caps = {k: f[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
        assert caps == {"CapInh": "0" * 16, "CapPrm": CAPS_KEPT, "CapEff": CAPS_KEPT,
                        "CapBnd": CAPS_KEPT, "CapAmb": "0" * 16}, f"thread {tid}"


def test_a_failed_impersonation_is_500_and_reads_nothing(guise, accounts, site):
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("alice.txt", "alice's secret", owner=alice, mode=0o600)
    site.file("bob.txt", "bob's own", owner=bob, mode=0o600)
    site.file("public.txt", "public text")  # www-data could read it: it must not, for alice
    server = start(guise, accounts, preload=[FAIL_SETFSUID],
                   env={"GUISE_FAIL_SETFSUID": str(alice.uid)})

    for path in ("/alice.txt?f=1", "/public.txt?f=2"):
        r = server.get(path, headers=alice.auth())
        assert r.status == 500, path
        assert b"secret" not in r.body and b"public text" not in r.body, path

    r = server.get("/bob.txt", headers=bob.auth())  # bob's impersonation works
    assert (r.status, r.body) == (200, b"bob's own")
    assert server.get("/public.txt").status == 200  # and anonymous's

    log = logged(server, "f=1", "f=2")
    assert [log[q]["sc-status"] for q in ("f=1", "f=2")] == ["500", "500"]
    assert_threads_on_process_identity(server)


# ---- PAM that hangs, failures that repeat -----------------------------------------------------


def hanging_pam(accounts, tmp_path, user, seconds) -> Path:
    """Makes the logon of user hang in PAM for seconds; returns the path that exists while it
    does."""
    marks = tmp_path / "marks"
    marks.mkdir(exist_ok=True)
    marks.chmod(0o1777)  # whoever PAM runs as may write there
    mark = marks / f"{user.name}-in-pam"
    accounts.auth_lines.append(f"optional {PAM_TEST} sleep={seconds} user={user.name} "
                               f"mark={mark}")
    return mark


def test_a_hung_pam_module_times_out_while_the_server_serves_others(guise, accounts, site,
                                                                    tmp_path):
    alice, hang = accounts.add("alice"), accounts.add("hang")
    in_pam = hanging_pam(accounts, tmp_path, hang, 3)
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    site.file("public.txt", "public")
    server = start(guise, accounts, "--logon-timeout", "1s")

    with ThreadPoolExecutor(1) as pool:
        hung = pool.submit(lambda: timed(server.get, "/public.txt?hung", headers=hang.auth(),
                                         timeout=scaled(30)))
        assert wait_until(in_pam.exists, scaled(5)), "the logon of 'hang' never reached PAM"

        # Meanwhile: another user logs on, an anonymous request is served.
        r = server.get("/alice.txt", headers=alice.auth())
        assert (r.status, r.body) == (200, b"alice's own")
        assert server.get("/public.txt").status == 200
        assert not hung.done(), "the hung logon was answered before its timeout"

        r, took = hung.result(timeout=scaled(30))
    assert r.status == 503
    assert b"public" not in r.body
    assert 0.9 <= took < 1 + scaled(1), f"503 after {took:.2f} s with --logon-timeout 1s"
    assert "logon of 'hang' timed out" in server.stderr()
    assert in_pam.exists(), "PAM answered before the 503: the test proves nothing"

    # PAM answers at last, to nobody (ASan watches); logons go on.
    assert wait_until(lambda: not in_pam.exists(), scaled(10))
    assert server.get("/alice.txt", headers=alice.auth()).status == 200


def test_a_client_that_leaves_during_its_logon_costs_nothing(guise, accounts, site, tmp_path):
    alice, slow = accounts.add("alice"), accounts.add("slow")
    in_pam = hanging_pam(accounts, tmp_path, slow, 1)
    site.file("public.txt", "public")
    server = start(guise, accounts, "--logon-timeout", "5s")

    with server.connect() as conn:
        conn.send(request_bytes("/public.txt", slow.auth()))
        assert wait_until(in_pam.exists, scaled(5)), "the logon of 'slow' never reached PAM"
    # The request is gone when PAM answers, successfully: the answer goes nowhere (ASan
    # watches the request's memory), and nobody is served as 'slow'.
    assert wait_until(lambda: not in_pam.exists(), scaled(10))
    r = server.get("/public.txt", headers=alice.auth())
    assert (r.status, r.body) == (200, b"public")
    assert_threads_on_process_identity(server)


def test_the_server_stops_while_a_logon_is_stuck_in_pam(guise, accounts, site, tmp_path):
    hang = accounts.add("hang")
    in_pam = hanging_pam(accounts, tmp_path, hang, 60)
    site.file("public.txt", "public")
    # LeakSanitizer stops every thread with ptrace to scan it; a thread in PAM runs with euid
    # 0 (pam_unix reads /etc/shadow), which www-data may not ptrace, and what it holds would
    # be reported as leaked.  Memory errors are still checked.
    env = {"LSAN_OPTIONS": "detect_leaks=0"} if SANITIZED else {}
    server = start(guise, accounts, "--logon-timeout", "2s", env=env)

    with ThreadPoolExecutor(1) as pool:
        hung = pool.submit(server.get, "/public.txt", headers=hang.auth(), timeout=scaled(30))
        assert wait_until(in_pam.exists, scaled(5)), "the logon of 'hang' never reached PAM"
        t0 = time.monotonic()
        assert server.stop() == 0
        took = time.monotonic() - t0
        assert hung.result(timeout=scaled(30)).status == 503  # the watchdog answered it
    assert took < 2 + scaled(3), f"stopping took {took:.2f} s"
    assert in_pam.exists()  # it was stuck all along


def test_a_timed_out_logon_says_when_to_retry(guise, accounts, site, tmp_path):
    hang = accounts.add("hang")
    in_pam = hanging_pam(accounts, tmp_path, hang, 2)
    site.file("public.txt", "public")
    server = start(guise, accounts, "--logon-timeout", "1s")

    r = server.get("/public.txt", headers=hang.auth(), timeout=scaled(30))
    assert r.status == 503
    assert wait_until(lambda: not in_pam.exists(), scaled(10))  # nothing stuck at exit
    assert r.headers.get("Retry-After", "").isdigit(), r.headers


def test_failed_logons_slow_down_that_user_and_that_address(guise, accounts, site):
    """
    After 3 failures of a name, or from an address, its next logon is answered no sooner
    than 250 ms after the last failure, and twice as long after each further one.  Times are
    measured from before the request whose failure starts the delay, whether guise counts
    the delay from that failure or from the next logon.
    """
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("public.txt", "public")
    server = start(guise, accounts)
    delay = THROTTLE_FIRST_DELAY - CLOCK_SLACK

    def get(user, source, password=None):
        """(response, when it was sent, when it was answered)"""
        t0 = time.monotonic()
        r = server.get("/public.txt", headers=user.auth(password), source=source)
        return r, t0, time.monotonic()

    for _ in range(3):  # free failures
        r, t_third, end = get(alice, "127.0.0.2", "guess")
        assert r.status == 401
        assert end - t_third < THROTTLE_FIRST_DELAY

    # alice's name is throttled, from any address; bob, elsewhere, is not.
    with ThreadPoolExecutor(2) as pool:
        fourth = pool.submit(get, alice, "127.0.0.3", "guess")
        other = pool.submit(get, bob, "127.0.0.4")
        (r, t_fourth, end), (r_bob, t_bob, end_bob) = fourth.result(), other.result()
    assert r.status == 401
    assert end - t_third >= delay, f"alice's 4th logon after {end - t_third:.3f} s"
    assert r_bob.status == 200
    assert end_bob - t_bob < THROTTLE_FIRST_DELAY, f"bob's logon took {end_bob - t_bob:.3f} s"

    # After a 4th failure, twice as long: her right password still works, later.
    r, _, end = get(alice, "127.0.0.5")
    assert r.status == 200
    assert end - t_fourth >= delay + 2 * delay, f"alice's 5th logon after {end - t_fourth:.3f} s"

    # Her success cleared her name's count: one more failure is one, not five.
    assert get(alice, "127.0.0.6", "guess")[0].status == 401
    r, t0, end = get(alice, "127.0.0.7")
    assert r.status == 200
    assert end - t0 < THROTTLE_FIRST_DELAY, f"alice's logon after a success took {end - t0:.3f} s"

    # An address that failed three times is throttled for every name.
    for _ in range(3):
        r, t_third, _ = get(bob, "127.0.0.8", "guess")
        assert r.status == 401
    r, _, end = get(alice, "127.0.0.8")
    assert r.status == 200
    assert end - t_third >= delay, f"a logon from 127.0.0.8 after {end - t_third:.3f} s"


# ---- the Authorization header ---------------------------------------------------------------


def test_basic_credentials_in_utf8_with_the_scheme_in_any_case(guise, accounts, site):
    alice = accounts.add("alice", password="pässwörd ✓")  # charset="UTF-8" was announced
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    server = start(guise, accounts)

    token = base64.b64encode(f"alice:{alice.password}".encode()).decode()
    for value in (f"Basic {token}", f"basic {token}", f"BASIC {token}", f"Basic \t {token}  "):
        r = server.get("/alice.txt", headers={"Authorization": value})
        assert (r.status, r.body) == (200, b"alice's own"), repr(value)
    latin1 = base64.b64encode(f"alice:{alice.password}".encode("latin-1", "replace")).decode()
    assert server.get("/alice.txt", headers={"Authorization": f"Basic {latin1}"}).status == 400


def test_without_anonymous_authentication_credentials_are_required(guise, accounts, site):
    alice = accounts.add("alice")
    site.file("public.txt", "public")
    server = start(guise, accounts, anonymous=False)

    r = server.get("/public.txt?none")
    assert r.status == 401
    assert b"public" not in r.body
    assert r.headers.get_all("WWW-Authenticate") == [CHALLENGE]
    r = server.get("/public.txt?alice", headers=alice.auth())
    assert (r.status, r.body) == (200, b"public")

    log = logged(server, "none", "alice")
    assert (log["none"]["sc-substatus"], log["none"]["cs-username"]) == ("2", "-")  # 401.2
    assert log["alice"]["cs-username"] == "alice"


MALFORMED = {
    "scheme only": "Basic",
    "bad base64": "Basic !!!not-base64!!!",
    "truncated base64": "Basic YWxpY2U6YWxpY2UtcH",
    "no colon": basic_raw(b"alice alice-pw"),
    "control character": basic_raw(b"alice:alice\x01pw"),
    "newline in the user": basic_raw(b"ali\nce:alice-pw"),
    "NUL": basic_raw(b"alice\x00:alice-pw"),
    "DEL": basic_raw(b"alice:alice-pw\x7f"),
    "not UTF-8": basic_raw(b"alice:\xff\xfe"),
    "overlong UTF-8": basic_raw(b"\xc0\xafalice:alice-pw"),
    "surrogate in UTF-8": basic_raw(b"alice\xed\xa0\x80:alice-pw"),
    "user over 1024 bytes": basic_raw(b"a" * 1100 + b":pw"),
    "over 4096 bytes": basic_raw(b"alice:" + b"x" * 3100),
    "far over 4096 bytes": basic_raw(b"alice:" + b"x" * 9000),
}

OTHER_SCHEMES = {
    "bearer": "Bearer YWxpY2U6YWxpY2UtcHc=",
    "digest": 'Digest username="alice", realm="x", nonce="n", uri="/", response="r"',
    "negotiate": "Negotiate YIIB",
    "ntlm": "NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA=",
    "basic-prefix": "Basically YWxpY2U6YWxpY2UtcHc=",
}


def test_malformed_basic_credentials_are_400(guise, accounts, site):
    alice = accounts.add("alice", password="alice-pw")
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    site.file("public.txt", "public")
    server = start(guise, accounts)

    for what, value in MALFORMED.items():
        for path in ("/public.txt", "/alice.txt"):
            r = server.get(path, headers={"Authorization": value})
            assert r.status == 400, f"{what}: {path}"
            assert b"own" not in r.body and b"public" not in r.body, what

    # Bytes no HTTP library sends: raw non-ASCII instead of base64.
    with server.connect() as conn:
        conn.send(b"GET /public.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \xff\xfe\xc3(\r\n"
                  b"Connection: close\r\n\r\n")
        r = parse_response(conn.read_until_close())
    assert r.status == 400

    r = server.get("/alice.txt", headers=alice.auth())  # still serving, still right
    assert (r.status, r.body) == (200, b"alice's own")


def test_other_authorization_schemes_are_left_alone(guise, accounts, site):
    alice = accounts.add("alice", password="alice-pw")
    site.file("alice.txt", "alice's own", owner=alice, mode=0o600)
    site.file("public.txt", "public")
    server = start(guise, accounts)

    for what, value in OTHER_SCHEMES.items():
        r = server.get("/public.txt", headers={"Authorization": value})
        assert (r.status, r.body) == (200, b"public"), what  # anonymous
        r = server.get("/alice.txt", headers={"Authorization": value})
        assert r.status == 401, what  # anonymous is nobody: the kernel says no
        assert r.headers.get_all("WWW-Authenticate") == [CHALLENGE], what


# ---- the user, as modules and the log see it -----------------------------------------------


def whoami(server, headers=None, query="") -> dict:
    r = server.get(f"/whoami{query}", headers=headers)
    assert r.status == 200, r
    return dict(line.split("=", 1) for line in r.body.decode().splitlines())


def test_the_user_is_visible_to_modules_and_in_the_log(guise, accounts, site):
    alice = accounts.add("alice", groups=["staff"])
    bob = accounts.add("bob")
    server = start(guise, accounts, domain="CORP")

    assert whoami(server, alice.auth(), "?alice") == {
        "user": "alice", "remote": "alice", "type": "Basic", "staff": "1", "token": "1"}
    assert whoami(server, bob.auth(), "?bob") == {
        "user": "bob", "remote": "bob", "type": "Basic", "staff": "0", "token": "1"}
    # DOMAIN\user: the configured defaultLogonDomain is dropped, another one is no account here
    assert whoami(server, basic("CORP\\alice", alice.password), "?corp") == {
        "user": "alice", "remote": "CORP\\alice", "type": "Basic", "staff": "1", "token": "1"}
    r = server.get("/whoami?elsewhere", headers=basic("ELSEWHERE\\alice", alice.password))
    assert r.status == 401
    # the anonymous user: IIS's empty name, the anonymous account's token (nobody)
    assert whoami(server, None, "?anonymous") == {
        "user": "", "remote": "", "type": "", "staff": "0", "token": "1"}

    log = logged(server, "alice", "bob", "corp", "elsewhere", "anonymous")
    assert log["alice"]["cs-username"] == "alice"
    assert log["bob"]["cs-username"] == "bob"
    assert log["corp"]["cs-username"] == "alice"
    assert (log["elsewhere"]["sc-status"], log["elsewhere"]["sc-substatus"]) == ("401", "1")
    assert log["anonymous"]["cs-username"] == "-"


# ---- a real account, the system's PAM -------------------------------------------------------


@pytest.fixture
def local_account():
    """A real local account (useradd, chpasswd: Debian's default hashing) and a PAM service
    for it in /etc/pam.d; both removed afterwards."""
    require_root("creating a local account")
    for tool in ("useradd", "userdel", "chpasswd"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found: install the passwd package")
    tag = secrets.token_hex(4)
    name, service = f"guise-t-{tag}", f"guise-test-{tag}"
    password = f"pw:{secrets.token_urlsafe(12)}:ü"  # the first ':' ends the user name only
    pamd = Path("/etc/pam.d") / service
    packaged = REPO / "packaging" / "pam.d" / "guise"
    created = False
    try:
        subprocess.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
        created = True
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True,
                       capture_output=True)
        pamd.write_text(packaged.read_text() if packaged.exists()
                        else "@include common-auth\n@include common-account\n")
        pw = pwd.getpwnam(name)
        yield type("LocalAccount", (), {"name": name, "uid": pw.pw_uid, "gid": pw.pw_gid,
                                        "password": password, "service": service})
    finally:
        pamd.unlink(missing_ok=True)
        if created:
            subprocess.run(["userdel", "--remove", name], capture_output=True)


def test_a_real_local_account_logs_on_through_the_system_pam_stack(guise, site, local_account):
    user = local_account
    site.file("mine.txt", "a real account's file", owner=user.uid, group=user.gid, mode=0o600)
    # An ASan build intercepts crypt_r, and finds no real one to call unless libcrypt was
    # loaded at start: pam_unix, which needs it, comes later (google/sanitizers#1365).
    env = preload_env(LIBDIR / "libcrypt.so.1") if SANITIZED else None
    server = guise.start_config(auth_config(site), "--pam-service", user.service, log=True,
                                env=env)

    r = server.get("/mine.txt?right", headers=basic(user.name, user.password))
    assert (r.status, r.body) == (200, b"a real account's file")
    r = server.get("/mine.txt?wrong", headers=basic(user.name, user.password + "x"))
    assert r.status == 401
    assert r.headers.get_all("WWW-Authenticate") == [CHALLENGE]
    assert server.get("/mine.txt?anonymous").status == 401

    log = logged(server, "right", "wrong")
    assert log["right"]["cs-username"] == user.name
    assert (log["wrong"]["sc-substatus"], log["wrong"]["sc-win32-status"]) == ("1", "1326")


# ---- started without root ---------------------------------------------------------------------


def require_setpriv():
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv not found: install util-linux")


def test_without_root_a_configuration_that_needs_impersonation_refuses_to_start(guise, site):
    require_setpriv()
    for settings, message in (
            ({"basic_auth": True}, "basicAuthentication needs impersonation"),
            ({"basic_auth": False, "anonymous_user": "daemon"},
             "anonymousAuthentication userName 'daemon' needs impersonation")):
        server = guise.start_config(auth_config(site, **settings), prefix=SETPRIV, wait=False)
        assert server.wait(scaled(10)) == 1, settings
        err = server.stderr()
        assert message in err, err
        assert "not root" in err and "CAP_SETUID" in err, err


def test_without_root_anonymous_requests_are_served_as_the_process(guise, site):
    require_setpriv()
    site.file("public.txt", "public")
    site.file("root-only.txt", "root's", owner=0, group=0, mode=0o600)
    server = guise.start_config(auth_config(site, basic_auth=False, anonymous_user=""),
                                prefix=SETPRIV)

    r = server.get("/public.txt")
    assert (r.status, r.body) == (200, b"public")
    assert server.get("/root-only.txt").status == 401  # nobody may not read it
    assert "staying 'nobody'" in server.stderr()
    nobody = pwd.getpwnam("nobody")
    for tid, f in threads(server.pid).items():
        assert credentials(f)[:2] == ((nobody.pw_uid,) * 4, (nobody.pw_gid,) * 4), f"thread {tid}"
        assert f["CapEff"] == "0" * 16, f"thread {tid}"
