"""The command line: --help, --version, usage errors (status 2), start-up failures (status 1)."""
import re
import socket

import pytest

from conftest import HOST, scaled, wait_until


def assert_one_line_error(done, status, *words):
    assert done.returncode == status, (done.returncode, done.stderr)
    err = done.stderr
    assert err.startswith("guise: "), err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    for w in words:
        assert w in err, f"{w!r} not in {err!r}"
    assert "listening" not in err


def test_help(guise):
    done = guise.run("--help")

    assert done.returncode == 0
    assert done.stdout.startswith("Usage: guise")
    for option in ("--root", "--listen", "--threads", "--log", "--header-timeout",
                   "--keepalive-timeout", "--max-connections", "--mime-types"):
        assert option in done.stdout
    assert done.stderr == ""


def test_version(guise):
    done = guise.run("--version")

    assert done.returncode == 0
    assert re.fullmatch(r"guise \d+\.\d+\.\d+\S*\n", done.stdout), done.stdout
    assert done.stderr == ""


def test_version_matches_the_server_header(guise):
    guise.site.file("f.txt", "f")
    version = guise.run("--version").stdout.split()[1]
    guise.start()

    assert guise.get("/f.txt").headers["Server"] == f"guise/{version}"


@pytest.mark.parametrize("option", ["--bogus", "-x", "--debug=yes", "--roots"])
def test_unknown_option_is_a_usage_error(guise, option):
    valid = ["--root", str(guise.site.root), "--listen", f"{HOST}:0"]

    assert_one_line_error(guise.run(option, *valid), 2)
    assert_one_line_error(guise.run(*valid, option), 2)


@pytest.mark.parametrize("option", ["--root", "--listen", "--threads", "--log", "--mime-types",
                                    "--header-timeout", "--max-connections"])
def test_missing_value_is_a_usage_error(guise, option):
    valid = ["--root", str(guise.site.root), "--listen", f"{HOST}:0"]

    assert_one_line_error(guise.run(*valid, option), 2, option)


def test_unknown_option_is_named(guise):
    done = guise.run("--root", guise.site.root, "--listen", f"{HOST}:0", "--bogus")

    assert_one_line_error(done, 2, "--bogus")


def test_extra_argument_is_a_usage_error(guise):
    done = guise.run("--root", guise.site.root, "--listen", f"{HOST}:0", "extra-argument")

    assert_one_line_error(done, 2, "extra-argument")


@pytest.mark.parametrize("listen", ["nonsense", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999",
                                    "127.0.0.1:80x", "::1:8080", "[::1]", "[::1]8080",
                                    "localhost:8080", "300.1.1.1:80", "*:"])
def test_bad_listen_is_a_usage_error(guise, listen):
    done = guise.run("--root", guise.site.root, "--listen", listen)

    assert_one_line_error(done, 2, "--listen", listen)


@pytest.mark.parametrize("threads", ["0", "abc", "-1", "1.5", "", "100000"])
def test_bad_threads_is_a_usage_error(guise, threads):
    done = guise.run("--root", guise.site.root, "--listen", f"{HOST}:0", "--threads", threads)

    assert_one_line_error(done, 2, "--threads")


@pytest.mark.parametrize("option, value", [
    ("--header-timeout", "5m"),
    ("--header-timeout", "0"),
    ("--keepalive-timeout", "-1"),
    ("--send-timeout", "1.5s"),
    ("--shutdown-timeout", "2d"),
    ("--max-connections", "0"),
    ("--max-header-bytes", "100"),
    ("--max-headers", "x"),
    ("--max-body-bytes", "-5"),
])
def test_bad_numbers_are_usage_errors(guise, option, value):
    done = guise.run("--root", guise.site.root, "--listen", f"{HOST}:0", option, value)

    assert_one_line_error(done, 2, option)


def test_missing_root_is_a_usage_error(guise):
    assert_one_line_error(guise.run("--listen", f"{HOST}:0"), 2, "--root")


def test_missing_listen_is_a_usage_error(guise):
    assert_one_line_error(guise.run("--root", guise.site.root), 2, "--listen")


def test_no_arguments_is_a_usage_error(guise):
    assert guise.run().returncode == 2


def test_nonexistent_root_fails_naming_the_path(guise, tmp_path):
    missing = tmp_path / "no-such-root"

    done = guise.run("--root", missing, "--listen", f"{HOST}:0")

    assert_one_line_error(done, 1, str(missing))


def test_root_that_is_a_file_fails(guise, tmp_path):
    f = tmp_path / "a-file"
    f.write_text("x")

    assert_one_line_error(guise.run("--root", f, "--listen", f"{HOST}:0"), 1, str(f))


def test_log_in_a_missing_directory_fails_naming_the_path(guise, tmp_path):
    log = tmp_path / "no-such-dir" / "access.log"

    done = guise.run("--root", guise.site.root, "--listen", f"{HOST}:0", "--log", log)

    assert_one_line_error(done, 1, str(log))


def test_second_server_on_the_same_port_fails(guise):
    first = guise.start()
    address = f"{HOST}:{first.port}"

    second = guise.start(listen=address, wait=False)
    wait_until(lambda: second.proc.poll() is not None or "listening on" in second.stderr(),
               scaled(3))

    assert "listening on" not in second.stderr(), f"the second server runs: {second.stderr()!r}"
    assert second.wait(scaled(3)) == 1
    err = second.stderr().strip()
    assert err.startswith("guise: ") and err.count("\n") == 0, err
    assert address in err


def test_port_in_use_by_another_program_fails_naming_the_address(guise):
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen(1)
        address = f"{HOST}:{holder.getsockname()[1]}"

        done = guise.run("--root", guise.site.root, "--listen", address)

    assert_one_line_error(done, 1, address)


@pytest.mark.parametrize("value", ["30", "30s", "500ms"])
def test_durations_are_accepted(guise, value):
    guise.site.file("f.txt", "f")
    guise.start("--header-timeout", value, "--keepalive-timeout", value, "--send-timeout", value,
                "--shutdown-timeout", value)

    assert guise.get("/f.txt").status == 200


def test_every_listen_address_is_served(guise):
    guise.site.file("f.txt", "two ports")
    server = guise.start("--listen", f"{HOST}:0", "--threads", "1")

    ports = [int(p) for p in re.findall(r"listening on http://127\.0\.0\.1:(\d+)/",
                                        server.stderr())]
    assert len(ports) == 2 and ports[0] != ports[1], server.stderr()
    for port in ports:
        with socket.create_connection((HOST, port), timeout=scaled(5)) as s:
            s.sendall(b"GET /f.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"two ports")


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
def test_ipv6_listen(guise):
    guise.site.file("f.txt", "six")
    server = guise.start(listen="[::1]:0", wait=False)

    m = wait_until(lambda: re.search(r"listening on http://\[::1\]:(\d+)/", server.stderr()),
                   scaled(10))
    assert m, server.stderr()
    with socket.create_connection(("::1", int(m.group(1))), timeout=scaled(5)) as s:
        s.sendall(b"GET /f.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"six")
