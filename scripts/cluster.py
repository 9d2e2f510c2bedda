"""A whole EventHub cluster on this machine: PostgreSQL, Redis, nginx, web workers, a jobs consumer.

    .venv/bin/python scripts/cluster.py                 # `make run-cluster`: serves the demo
    .venv/bin/python scripts/cluster.py --workers 3 --port 8080

It is the deployment of docs/deploy.md in miniature, for trying scale-out by hand and for the
cluster test (tests/test_cluster.py): the same code as one process, only configuration
changes. PostgreSQL and Redis are throwaway servers in `instance/cluster/` unless
`--database-url` / `--redis-url` name running ones. Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO = PROJECT_DIR / "examples" / "ga-annual-meeting-2020.toml"
# Debian's PostgreSQL server binaries: the newest installed version.
PG_LIB = Path("/usr/lib/postgresql")
ROUTE_COOKIE = "eventhub_route"

NGINX_CONF = """\
# Written by scripts/cluster.py; the production form is in docs/deploy.md.
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log {dir}/nginx-access.log;
  client_body_temp_path {dir}/nginx-tmp/body;
  proxy_temp_path {dir}/nginx-tmp/proxy;
  fastcgi_temp_path {dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path {dir}/nginx-tmp/uwsgi;
  scgi_temp_path {dir}/nginx-tmp/scgi;

  map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
  # Each browser gets a random route cookie on its first response and keeps its worker by it:
  # Socket.IO's long-polling needs every request of a connection on one worker, and hashing
  # the cookie (not the address) spreads a ministry behind one NAT over every worker.
  map $cookie_{cookie} $eventhub_route {{
    "~^[0-9a-f]{{32}}$" $cookie_{cookie};
    default $request_id;
  }}
  map $cookie_{cookie} $eventhub_route_cookie {{
    "~^[0-9a-f]{{32}}$" "";
    default "{cookie}=$request_id; Path=/; HttpOnly; SameSite=Lax";
  }}

  upstream eventhub {{
    hash $eventhub_route consistent;
{servers}
    keepalive 32;
  }}

  server {{
    listen {host}:{port};
    location / {{
      proxy_pass http://eventhub;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      # Above Socket.IO's ping interval plus timeout (25 s + 20 s), so idle sockets live.
      proxy_read_timeout 75s;
      proxy_send_timeout 75s;
      # A dead worker's requests go to the next one; its clients reconnect and catch up there.
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 2s;
      add_header Set-Cookie $eventhub_route_cookie;
      # Which worker answered: for the cluster test and for trying it by hand, not production.
      add_header X-EventHub-Worker $upstream_addr always;
    }}
  }}
}}
"""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout:.0f}s")
        time.sleep(0.1)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Cluster:
    """Start and stop the cluster's processes; every URL and process is an attribute."""

    def __init__(
        self,
        *,
        workers: int = 2,
        host: str = "127.0.0.1",
        port: int | None = None,
        directory: Path | None = None,
        database_url: str | None = None,
        redis_url: str | None = None,
        async_mode: str = "gevent",
        demo: Path | None = DEMO,
        env: dict[str, str] | None = None,
    ):
        self.host = host
        self.port = port or free_port(host)
        self.dir = Path(directory or PROJECT_DIR / "instance" / "cluster").resolve()
        self.database_url = database_url
        self.redis_url = redis_url
        self.async_mode = async_mode
        self.demo = demo
        self.extra_env = dict(env or {})
        self.worker_ports = [free_port(host) for _ in range(workers)]
        self.workers: list[subprocess.Popen | None] = [None] * workers
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self._pg_data: Path | None = None
        self._pg_as: list[str] = []
        self.secret = secrets.token_hex(32)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def worker_url(self, index: int) -> str:
        return f"http://{self.host}:{self.worker_ports[index]}"

    # --- services ------------------------------------------------------------------------

    def _start_postgres(self) -> str:
        versions = sorted(PG_LIB.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        if not versions:
            raise RuntimeError("PostgreSQL is not installed (Debian's `postgresql` package)")
        bin_dir = versions[-1].parent
        base = self.dir / "postgres"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(base, owner.pw_uid, owner.pw_gid)
            self._pg_as = ["runuser", "-u", "postgres", "--"]
        port = free_port()
        data = base / "data"

        def pg(*args: str) -> None:
            subprocess.run([*self._pg_as, *args], capture_output=True, text=True, check=True)

        pg(str(bin_dir / "initdb"), "-D", str(data), "-U", "eventhub", "--auth=trust",
           "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=200"
        pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
           "-w", "-t", "60", "start")  # fmt: skip
        self._pg_data = data
        self._pg_ctl = bin_dir / "pg_ctl"
        pg(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "eventhub",
           "eventhub")  # fmt: skip
        return f"postgresql+psycopg://eventhub@127.0.0.1:{port}/eventhub"

    def _start_redis(self) -> str:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is not installed (Debian's `redis-server` package)")
        port = free_port()
        base = self.dir / "redis"
        base.mkdir(parents=True, exist_ok=True)
        self._spawn(
            "redis",
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(base),
                "--save",
                "",
                "--appendonly",
                "no",
            ],  # fmt: skip
        )
        url = f"redis://127.0.0.1:{port}/0"

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(7).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, 20, "redis-server")
        return url

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = (self.dir / f"{name}.log").open("a")
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append((name, process))
        return process

    # --- EventHub ------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
        env.update(
            EVENTHUB_CONFIG="development",
            EVENTHUB_SECRET_KEY=self.secret,
            EVENTHUB_DATABASE_URL=self.database_url,
            EVENTHUB_SOCKETIO_MESSAGE_QUEUE=self.redis_url,
            EVENTHUB_RATELIMIT_STORAGE_URI=self.redis_url,
            EVENTHUB_JOBS_URL=self.redis_url,
            EVENTHUB_ASYNC_MODE=self.async_mode,
            EVENTHUB_BASE_URL=self.url,
            EVENTHUB_TRUSTED_PROXIES="1",
            EVENTHUB_HOST=self.host,
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def flask(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "-m", "flask", "--app", "eventhub", *args],
            cwd=PROJECT_DIR,
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start_worker(self, index: int) -> None:
        env = self.environment() | {"EVENTHUB_PORT": str(self.worker_ports[index])}
        self.workers[index] = self._spawn(f"worker-{index + 1}", [PYTHON, "wsgi.py"], env)
        wait_for(lambda: http_ok(self.worker_url(index) + "/healthz"), 60, f"worker {index + 1}")

    def kill_worker(self, index: int) -> None:
        """SIGKILL, as in a crash."""
        process = self.workers[index]
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)

    def _start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise RuntimeError("nginx is not installed (Debian's `nginx` package)")
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "nginx-tmp" / sub).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"    server {self.host}:{port} max_fails=1 fail_timeout=5s;"
            for port in self.worker_ports
        )
        conf = self.dir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                dir=self.dir, servers=servers, host=self.host, port=self.port, cookie=ROUTE_COOKIE
            )
        )
        self._spawn("nginx", [nginx, "-p", str(self.dir), "-c", str(conf), "-g", "daemon off;"])
        wait_for(lambda: http_ok(self.url + "/healthz"), 20, "nginx")

    def start(self) -> Cluster:
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            self.database_url = self.database_url or self._start_postgres()
            self.redis_url = self.redis_url or self._start_redis()
            self.flask("db", "upgrade")
            if self.demo is not None:
                self.flask("demo-setup", str(self.demo))
            for index in range(len(self.workers)):
                self.start_worker(index)
            self._spawn("jobs", [PYTHON, "-m", "flask", "--app", "eventhub", "worker"],
                        self.environment())  # fmt: skip
            self._start_nginx()
            wait_for(lambda: http_ok(self.url + "/readyz"), 30, "the cluster")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for _name, process in reversed(self.processes):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        if self._pg_data is not None:
            subprocess.run(
                [*self._pg_as, str(self._pg_ctl), "-D", str(self._pg_data), "-m", "fast", "stop"],
                capture_output=True,
            )
            self._pg_data = None

    def logs(self, lines: int = 60) -> str:
        parts = []
        for path in sorted(self.dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name} ---\n" + "\n".join(tail))
        return "\n".join(parts)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--async-mode", choices=("gevent", "eventlet"), default="gevent")
    parser.add_argument("--database-url", help="a running PostgreSQL (else a throwaway one)")
    parser.add_argument("--redis-url", help="a running Redis (else a throwaway one)")
    args = parser.parse_args()
    cluster = Cluster(
        workers=args.workers,
        host=args.host,
        port=args.port,
        async_mode=args.async_mode,
        database_url=args.database_url,
        redis_url=args.redis_url,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    cluster.start()
    print(f"EventHub cluster on {cluster.url}: nginx, {len(cluster.workers)} workers "
          f"({', '.join(cluster.worker_url(i) for i in range(len(cluster.workers)))}), "
          f"one jobs consumer, PostgreSQL and Redis. Logs in {cluster.dir}. Ctrl-C stops it.",
          flush=True)  # fmt: skip
    try:
        while all(p.poll() is None for _, p in cluster.processes):
            time.sleep(1)
        dead = [name for name, p in cluster.processes if p.poll() is not None]
        print(f"stopped: {', '.join(dead)} exited\n{cluster.logs()}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
