"""The scale benchmark's server and client (bench.scale): gunicorn serving wsgi:app on a free local port against
the built database, configured from the environment as in production, and a plain http.client client that keeps
its own cookies (the session cookie is Secure; over this local http it is sent back all the same), logs in through
the real forms (CSRF token scraped, the authenticator's code made with pyotp) and times requests."""

import http.client
import os
import re
import subprocess  # noqa: S404 (the bench starts its own gunicorn)
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))  # seconds a request may take before it counts as "timeout"


@dataclass
class Server:
    """A running gunicorn: its port and its master's process id."""

    port: int
    pid: int

    def workers(self) -> list[int]:
        """The worker processes' ids (the master's children)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [int(child) for child in children]


def peak_memory_kb(pid: int) -> int:
    """The process's peak resident set size (VmHWM), in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))


@contextmanager
def serve(database_url: str, upload_folder: str, workers: int = 1) -> Iterator[Server]:
    """gunicorn with `workers` sync workers on wsgi:app; stopped (and waited for) on leaving."""
    from tests.conftest import free_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "scale-bench-secret",
        "SERVER_NAME": f"127.0.0.1:{port}",
        "TRUSTED_HOSTS": "127.0.0.1",
        "PREFERRED_URL_SCHEME": "http",
        "UPLOAD_FOLDER": upload_folder,
    }
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--timeout", str(int(TIMEOUT) + 5), "--chdir", str(ROOT), "--log-level", "warning", "wsgi:app"]
    process = subprocess.Popen(command, env=env)  # noqa: S603 (our own command line)
    try:
        server = Server(port, process.pid)
        client = Client(server)
        for _ in range(300):
            time.sleep(0.1)
            try:
                if client.get("/guide")[0] == 200 and len(server.workers()) == workers:
                    break
            except OSError:
                continue
        else:
            raise RuntimeError("gunicorn did not start")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=60)


@dataclass
class Client:
    """One browser: its cookies, sent back on every request."""

    server: Server
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, body: str = "") -> tuple[int | str, float, bytes, str]:
        """(status or "timeout", milliseconds, body, Location header)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=TIMEOUT)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except TimeoutError:
            return "timeout", (time.perf_counter() - start) * 1000, b"", ""
        finally:
            connection.close()
        elapsed = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, elapsed, content, response.headers.get("Location", "")

    def get(self, path: str) -> tuple[int | str, float, bytes, str]:
        return self.request("GET", path)

    def submit(self, path: str, fields: dict) -> str:
        """Post the form of the page at `path` with its CSRF token; where it redirects to."""
        from urllib.parse import urlencode, urlsplit

        page = self.get(path)[2].decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page
        )
        status, _ms, _body, location = self.request("POST", path, urlencode({"csrf_token": token.group(1), **fields}))
        if status != 302:
            raise RuntimeError(f"POST {path} answered {status}")
        return urlsplit(location).path

    def login(self, email: str, password: str, totp_secret: str | None = None) -> None:
        """The login form, then the authenticator's code when the account has one."""
        import pyotp

        target = self.submit("/login", {"email": email, "password": password})
        if target == "/login/code":
            self.submit(target, {"code": pyotp.TOTP(totp_secret).now()})


def throughput(server: Server, cookies: dict, path: str, seconds: float = 10, clients: int = 8) -> float:
    """Requests per second answered 200 with `clients` concurrent clients for `seconds`."""
    done: list[int] = []
    stop = time.perf_counter() + seconds

    def one() -> None:
        client, count = Client(server, dict(cookies)), 0
        while time.perf_counter() < stop:
            count += client.get(path)[0] == 200
        done.append(count)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - start)
