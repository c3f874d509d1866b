"""
The FILE cache (src/cache/file_cache.h): records of files served (validators, and the body of
small files whose times are at least a second old) reused only after each request has opened
the file itself, as its user, and only while the fresh fstat matches the record (device, inode,
size, mtime, ctime).  So a cached file never reaches a user the kernel would refuse, and a
change (write, chmod, chown, rename over it) shows on the very next request.

Files are made, then left to settle (SETTLE seconds) so that their bodies are cached: the
cases below are what the cache could get wrong.  Tests with accounts need root.
"""
import os
import time
from pathlib import Path

import pytest

from conftest import GUISE_BIN, parse_w3c, require_root, scaled, wait_until
from test_security import auth_config, logged

SETTLE = 1.3  # a body is cached once the file's times are a second old
PROBE = Path(GUISE_BIN).resolve().parent / "modules" / "test_probe.so"


def settle():
    time.sleep(SETTLE)


def start_with_accounts(guise, accounts, more=""):
    return guise.start_config(auth_config(guise.site, more=more), log=True, env=accounts.env())


# ---- impersonation is not weakened -----------------------------------------------------------


def test_a_cached_private_file_still_needs_each_users_own_open(guise, accounts, site):
    require_root()
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("alice.txt", "alice's secret", owner=alice, mode=0o600)
    settle()
    server = start_with_accounts(guise, accounts)

    for i in range(3):  # the first fills the cache, the others are served from it
        r = server.get(f"/alice.txt?as=alice{i}", headers=alice.auth())
        assert (r.status, r.body) == (200, b"alice's secret")
    r = server.get("/alice.txt?as=bob", headers=bob.auth())
    assert r.status == 401
    assert b"secret" not in r.body
    r = server.get("/alice.txt?as=anonymous")
    assert r.status == 401
    assert b"secret" not in r.body
    r = server.head("/alice.txt?as=bob-head", headers=bob.auth())
    assert r.status == 401
    r = server.get("/alice.txt?as=bob-range", headers={**bob.auth(), "Range": "bytes=0-4"})
    assert r.status == 401
    assert b"alice" not in r.body
    r = server.get("/alice.txt?as=alice-again", headers=alice.auth())
    assert (r.status, r.body) == (200, b"alice's secret")

    log = logged(server, "as=bob", "as=anonymous", "as=bob-head", "as=bob-range")
    for q in log:
        assert (log[q]["sc-status"], log[q]["sc-substatus"]) == ("401", "3"), log[q]


def test_chmod_and_chown_are_honoured_on_the_next_request(guise, accounts, site):
    require_root()
    alice, bob = accounts.add("alice"), accounts.add("bob")
    path = site.file("shared.txt", "shared text", owner=alice, mode=0o600)
    settle()
    server = start_with_accounts(guise, accounts)

    assert server.get("/shared.txt", headers=alice.auth()).status == 200
    assert server.get("/shared.txt", headers=alice.auth()).status == 200  # cached
    assert server.get("/shared.txt", headers=bob.auth()).status == 401

    path.chmod(0o644)
    r = server.get("/shared.txt", headers=bob.auth())
    assert (r.status, r.body) == (200, b"shared text")
    path.chmod(0o600)
    assert server.get("/shared.txt", headers=bob.auth()).status == 401
    assert server.get("/shared.txt", headers=alice.auth()).status == 200

    os.chown(path, bob.uid, bob.gid)
    r = server.get("/shared.txt", headers=bob.auth())
    assert (r.status, r.body) == (200, b"shared text")
    assert server.get("/shared.txt", headers=alice.auth()).status == 401


# ---- changes show at once ---------------------------------------------------------------------


def test_a_file_rewritten_with_the_same_size_serves_new_contents_and_etag(guise, site):
    path = site.file("page.txt", "version one", mode=0o644)
    settle()
    server = guise.start()

    first = server.get("/page.txt")
    again = server.get("/page.txt")  # from the cache
    assert first.body == again.body == b"version one"
    assert first.headers["ETag"] == again.headers["ETag"]

    mtime = path.stat().st_mtime
    path.write_bytes(b"version two")  # the same size
    os.utime(path, (mtime + 10, mtime + 10))
    r = server.get("/page.txt")
    assert r.body == b"version two"
    assert r.headers["ETag"] != first.headers["ETag"]
    assert r.headers["Last-Modified"] != first.headers["Last-Modified"]
    # The old validator no longer matches; the new one does.
    assert server.get("/page.txt", headers={"If-None-Match": first.headers["ETag"]}).status == 200
    assert server.get("/page.txt", headers={"If-None-Match": r.headers["ETag"]}).status == 304


def test_a_file_rewritten_in_place_without_a_new_mtime_is_still_seen(guise, site):
    """Same size and the same mtime put back: only ctime tells; the record must go."""
    path = site.file("same.txt", "AAAA", mode=0o644)
    settle()
    server = guise.start()
    assert server.get("/same.txt").body == b"AAAA"
    assert server.get("/same.txt").body == b"AAAA"

    st = path.stat()
    path.write_bytes(b"BBBB")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert server.get("/same.txt").body == b"BBBB"


def test_a_file_replaced_by_rename_serves_the_new_contents(guise, site):
    path = site.file("swap.txt", "old contents", mode=0o644)
    settle()
    server = guise.start()
    assert server.get("/swap.txt").body == b"old contents"
    assert server.get("/swap.txt").body == b"old contents"

    st = path.stat()
    new = site.file("swap.txt.new", "new contents", mode=0o644)  # the same size
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime: only the inode tells
    os.rename(new, path)
    r = server.get("/swap.txt")
    assert (r.status, r.body) == (200, b"new contents")

    path.unlink()
    assert server.get("/swap.txt").status == 404


def test_ranges_head_and_conditionals_from_a_cached_body(guise, site):
    body = bytes(range(256)) * 8  # 2 KiB
    site.file("data.bin", body, mode=0o644)
    settle()
    server = guise.start()
    full = server.get("/data.bin")
    assert full.body == body
    r = server.get("/data.bin", headers={"Range": "bytes=100-199"})
    assert (r.status, r.body) == (206, body[100:200])
    r = server.get("/data.bin", headers={"Range": "bytes=-10"})
    assert (r.status, r.body) == (206, body[-10:])
    r = server.head("/data.bin")
    assert (r.status, r.headers["Content-Length"], r.body) == (200, str(len(body)), b"")
    r = server.get("/data.bin", headers={"If-None-Match": full.headers["ETag"]})
    assert r.status == 304


def test_a_large_file_is_not_kept_but_served_whole(guise, site):
    body = os.urandom(200 * 1024)  # over maxFileSize's default (64 KiB)
    site.file("big.bin", body, mode=0o644)
    settle()
    server = guise.start()
    for _ in range(2):
        assert server.get("/big.bin").body == body


def test_default_documents_come_through_the_cache_too(guise, site):
    path = site.file("index.html", "<p>one</p>", mode=0o644)
    settle()
    server = guise.start()
    assert server.get("/").body == b"<p>one</p>"
    assert server.get("/").body == b"<p>one</p>"
    path.write_bytes(b"<p>two</p>")
    assert server.get("/").body == b"<p>two</p>"


def test_a_change_raises_gl_file_change(guise, site, tmp_path, monkeypatch):
    assert PROBE.exists(), f"{PROBE} not built: run 'make build'"
    log = tmp_path / "probe.log"
    monkeypatch.setenv("GUISE_PROBE_LOG", str(log))
    path = site.file("watched.txt", "before", mode=0o644)
    settle()
    server = guise.start("--module", f"probe={PROBE}")
    assert server.get("/watched.txt").body == b"before"
    assert server.get("/watched.txt").body == b"before"
    assert "GL FILE_CHANGE" not in log.read_text()

    path.write_bytes(b"after!")
    assert server.get("/watched.txt").body == b"after!"
    assert wait_until(lambda: f"GL FILE_CHANGE {path}" in log.read_text(), scaled(3)), \
        log.read_text()


def test_the_cache_can_be_turned_off(guise, accounts, site):
    require_root()
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("alice.txt", "alice's secret", owner=alice, mode=0o600)
    path = site.file("page.txt", "one", mode=0o644)
    settle()
    config = auth_config(site).replace(
        "</system.applicationHost>",
        '<fileCache enabled="false"/></system.applicationHost>')
    server = guise.start_config(config, log=True, env=accounts.env())
    assert server.get("/alice.txt", headers=alice.auth()).status == 200
    assert server.get("/alice.txt", headers=bob.auth()).status == 401
    assert server.get("/page.txt").body == b"one"
    path.write_bytes(b"two")
    assert server.get("/page.txt").body == b"two"


def test_server_get_file_info_opens_as_the_token_given(guise, accounts, site, tmp_path):
    """IHttpServer::GetFileInfo (through the probe module) with the request's token: the
    kernel's answer for that user, cached or not."""
    require_root()
    assert PROBE.exists(), f"{PROBE} not built: run 'make build'"
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("alice.txt", "alice's secret", owner=alice, mode=0o600)
    env = accounts.env()
    env["GUISE_PROBE_LOG"] = str(tmp_path / "probe.log")
    server = guise.start_config(auth_config(site), "--module", f"probe={PROBE}", log=True,
                                env=env)

    def info(headers=None):
        r = server.get("/probe/fileinfo?alice.txt", headers=headers)
        assert r.status == 200, r
        return dict(line.split("=", 1) for line in r.body.decode().splitlines())

    for _ in range(2):  # the second from the FILE cache
        got = info(alice.auth())
        assert (got["hr"], got["size"], got["handle"], got["access"]) == \
            ("0x00000000", "14", "invalid", "0x00000000")
    assert info(bob.auth()) == {"hr": "0x80070005"}  # E_ACCESSDENIED: the kernel said no
    assert info() == {"hr": "0x80070005"}  # anonymous (nobody)
    assert info(alice.auth())["hr"] == "0x00000000"


def test_context_get_file_info_is_the_requests_file_as_its_user(guise, accounts, site, tmp_path):
    require_root()
    assert PROBE.exists(), f"{PROBE} not built: run 'make build'"
    alice, bob = accounts.add("alice"), accounts.add("bob")
    site.file("probe/ctxfileinfo/alice.txt", "alice's secret", owner=alice, mode=0o600)
    env = accounts.env()
    env["GUISE_PROBE_LOG"] = str(tmp_path / "probe.log")
    server = guise.start_config(auth_config(site), "--module", f"probe={PROBE}", log=True,
                                env=env)

    r = server.get("/probe/ctxfileinfo/alice.txt", headers=alice.auth())
    assert r.body == b"size=14\nsame=1\n"
    assert server.get("/probe/ctxfileinfo/alice.txt", headers=bob.auth()).body == b"none\n"
    assert server.get("/probe/ctxfileinfo/alice.txt").body == b"none\n"
    assert server.get("/probe/ctxfileinfo/missing.txt", headers=alice.auth()).body == b"none\n"

    # Opened as the static file handler opens it: a symbolic link out of the site leads nowhere.
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's")
    outside.chmod(0o644)
    os.symlink(outside, site.root / "probe" / "ctxfileinfo" / "link.txt")
    assert server.get("/probe/ctxfileinfo/link.txt", headers=alice.auth()).body == b"none\n"
