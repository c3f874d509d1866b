"""
The TOKEN cache in front of Basic logons (src/cache/token_cache.h): a returning user with
the same password is served without PAM, a wrong password always goes to PAM, and a new
password's logon ends the old password's entry.  PAM's calls are counted by
build/pam/pam_guise_test.so (count=PATH: a line per pam_authenticate), plugged in front of
pam_matrix.  Needs root, as every impersonation test.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import scaled, wait_until
from test_security import PAM_TEST, WHOAMI, auth_config, hanging_pam

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: guise impersonates only when started as root; run the suite as root")


class Counted:
    """guise with the test's accounts, PAM's logons counted in a file."""

    def __init__(self, guise, accounts, token_cache=""):
        self.count = accounts.base / "pam-logons"
        accounts.auth_lines.append(f"optional {PAM_TEST} count={self.count}")
        self.accounts = accounts
        config = auth_config(guise.site, anonymous=False)
        if token_cache:
            config = config.replace("</system.applicationHost>",
                                    f"<tokenCache {token_cache}/></system.applicationHost>")
        self.server = guise.start_config(config, "--module", f"whoami={WHOAMI}", log=True,
                                         env=accounts.env())

    def logons(self) -> list:
        return self.count.read_text().split() if self.count.exists() else []

    def get(self, account, password=None, source=None):
        return self.server.get("/whoami", headers=account.auth(password), source=source,
                               timeout=scaled(30))


def test_a_returning_user_is_served_without_pam(guise, accounts):
    alice, bob = accounts.add("alice"), accounts.add("bob")
    s = Counted(guise, accounts)

    for _ in range(5):
        r = s.get(alice)
        assert r.status == 200 and b"alice" in r.body
    assert s.logons() == ["alice"]

    # A wrong password is never a hit: PAM says no, and nothing is cached.
    for _ in range(2):
        assert s.get(alice, "a-guess").status == 401
    assert s.logons() == ["alice", "alice", "alice"]
    assert s.get(alice).status == 200
    assert s.logons() == ["alice"] * 3

    # Another user is another entry; each keeps its own identity.
    r = s.get(bob)
    assert r.status == 200 and b"bob" in r.body and b"alice" not in r.body
    r = s.get(alice)
    assert r.status == 200 and b"alice" in r.body and b"bob" not in r.body
    assert s.logons() == ["alice"] * 3 + ["bob"]


def test_a_new_password_ends_the_old_one(guise, accounts):
    alice = accounts.add("alice", password="old-pw")
    s = Counted(guise, accounts)

    assert s.get(alice).status == 200
    alice.password = "new-pw"  # the password changes behind guise's back (pam_matrix's file)
    accounts.write()

    # The cached token still answers for the old password: the classic failure of token
    # caches, which `guise ctl flush-tokens alice` or the TTL ends...
    assert s.get(alice, "old-pw").status == 200
    assert s.logons() == ["alice"]
    # ...and so does the first logon with the new password.
    assert s.get(alice, "new-pw").status == 200
    assert s.logons() == ["alice", "alice"]
    assert s.get(alice, "old-pw").status == 401
    assert s.logons() == ["alice"] * 3
    assert s.get(alice, "new-pw").status == 200
    assert s.logons() == ["alice"] * 3


def test_a_disabled_token_cache_asks_pam_every_time(guise, accounts):
    alice = accounts.add("alice")
    s = Counted(guise, accounts, token_cache='enabled="false"')

    for _ in range(3):
        assert s.get(alice).status == 200
    assert s.logons() == ["alice"] * 3


def test_the_bound_on_entries_evicts_the_least_recently_used(guise, accounts):
    users = [accounts.add(name) for name in ("alice", "bob", "carol")]
    s = Counted(guise, accounts, token_cache='maxEntries="2"')

    for u in users:  # carol's entry pushes out alice's
        assert s.get(u).status == 200
    assert s.get(users[2]).status == 200
    assert s.get(users[1]).status == 200
    assert s.logons() == ["alice", "bob", "carol"]
    assert s.get(users[0]).status == 200  # logs on again, pushing out carol (bob was used later)
    assert s.logons() == ["alice", "bob", "carol", "alice"]
    assert s.get(users[1]).status == 200
    assert s.logons() == ["alice", "bob", "carol", "alice"]


def test_no_cached_answer_while_a_logon_of_that_user_is_pending(guise, accounts, tmp_path):
    """Else a burst of guesses would have the right one answered at once from the cache
    while the wrong ones wait for PAM and the throttle."""
    alice = accounts.add("alice")
    in_pam = hanging_pam(accounts, tmp_path, alice, 1)  # every logon of alice takes 1 s
    s = Counted(guise, accounts)
    assert s.get(alice).status == 200
    assert s.get(alice).status == 200
    assert s.logons() == ["alice"]

    with ThreadPoolExecutor(1) as pool:
        guess = pool.submit(s.get, alice, "a-guess")
        assert wait_until(in_pam.exists, scaled(5)), "the guess never reached PAM"
        assert s.get(alice).status == 200  # right, but PAM is asked
        assert guess.result().status == 401
    assert s.logons() == ["alice"] * 3
    assert s.get(alice).status == 200  # nothing pending: the cache again
    assert s.logons() == ["alice"] * 3


def test_no_cached_answer_for_a_watched_address(guise, accounts):
    alice, mallory = accounts.add("alice"), accounts.add("mallory")
    s = Counted(guise, accounts)
    assert s.get(alice, source="127.0.0.2").status == 200
    for _ in range(3):  # the address's free failures, with another name
        assert s.get(mallory, "a-guess", source="127.0.0.3").status == 401
    assert s.logons() == ["alice"] + ["mallory"] * 3

    assert s.get(alice, source="127.0.0.3").status == 200  # through PAM and the throttle
    assert s.logons() == ["alice"] + ["mallory"] * 3 + ["alice"]
    assert s.get(alice, source="127.0.0.2").status == 200  # elsewhere: the cache
    assert s.logons() == ["alice"] + ["mallory"] * 3 + ["alice"]
