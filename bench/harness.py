"""What the benchmarks that serve the site share: a temporary site (its settings module, database
and static files), sample annotations, gunicorn on 127.0.0.1 and client processes that load it,
the task worker beside it, and the faults a run may inflict on them.

Used by bench/page_bench.py and bench/load_bench.py, which run as scripts (so this folder is on
sys.path), and by tests/test_shared_cache.py (as bench.harness). Importing it needs no Django:
client processes import it and stay plain HTTP clients.
"""

import hashlib
import http.client
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.managers import SyncManager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "bench_settings"
SERVER_START_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 30
WARM_UP_SECONDS = 1.0  # of load on each URL before it is measured
# Load runs in rounds that take the URLs in turn, so that a change in what else the machine is
# doing falls on every URL alike instead of on whichever URL happened to be running.
ROUND_SECONDS = 2.0

TAGS = [
    "framing",
    "sourcing",
    "loaded language",
    "omission",
    "context",
    "statistics",
    "quote",
    "opinion",
    "headline",
    "correction",
]
# {word} is a word of the passage, {n} the annotation's number: every note is a little different.
NOTES = [
    "Who says so? *No source* is given for this.",
    "Compare the **other outlets'** wording of this passage.",
    "The word `{word}` carries the framing here.",
    "Check against the report: https://example.com/reports/{n}",
    "- a claim\n- no figure to back it\n- see note {n}",
    "> {word}\n\nQuoted without its context.",
    "Is _{word}_ the right word? [A glossary](https://example.org/glossary#{n})",
    "Correction {n}: the date is wrong.",
]
SETTINGS_TEXT = '''"""Settings for a benchmark: the project's, with static files collected here."""

from newsroom.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
'''


def add_common_arguments(parser, *, seconds: float, workers: int) -> None:
    """The options every bench that loads gunicorn takes."""
    parser.add_argument(
        "--seconds", type=float, default=seconds, help=f"load per URL under gunicorn ({seconds:g})"
    )
    parser.add_argument("--workers", type=int, default=workers, help=f"gunicorn sync workers ({workers})")
    parser.add_argument("--clients", type=int, default=4, help="client processes driving load (4)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per in-process figure (30)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of users and annotations")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder: database, logs")


# The temporary site.


def clean_up(work_dir: Path, keep: bool) -> None:
    """Remove the temporary folder, or say where it is kept (--keep)."""
    if keep:
        print(f"{'kept':<14} {work_dir}")
    else:
        shutil.rmtree(work_dir)


def bench_env(
    work_dir: Path, *, database_url: str | None, settings: str = "", redis_url: str | None = None
) -> dict:
    """The environment of manage.py, gunicorn and the bench's own Django: DEBUG off, and a settings
    module in work_dir that is the project's with static files collected into work_dir, plus
    `settings` (more Python lines). Without database_url, the settings choose the database. With
    redis_url, the cache is Redis, under keys of this site's own (redis_key_prefix(work_dir)); without,
    the local-memory cache, whatever this shell's REDIS_URL says."""
    static_root = str(work_dir / "static")
    if redis_url:
        settings += f'\nCACHES["default"]["KEY_PREFIX"] = {redis_key_prefix(work_dir)!r}\n'
    (work_dir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_TEXT.format(static_root=static_root) + settings)
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}}
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # one per run, shared by its processes
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(work_dir), os.environ.get("PYTHONPATH")])),
    }


def prepare_database(env: dict, *, collect_static: bool = True, quiet: bool = False) -> None:
    """Migrate, collect static files (unless told not to) and import the corpus, each in a
    subprocess as in production; what they say is printed unless quiet."""
    for command in [
        ["migrate", "--noinput", "--verbosity", "0"],
        *([["collectstatic", "--noinput", "--verbosity", "0"]] if collect_static else []),
        ["import_corpus", "fixtures"],
    ]:
        said = manage(env, *command)
        if said and not quiet:
            print(f"{command[0]:<14} {said}")


def manage(env: dict, *command: str) -> str:
    """Run manage.py with the command in a subprocess; what it printed. RuntimeError if it fails."""
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {command[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def become_django(env: dict, work_dir: Path) -> None:
    """This process becomes a Django process on the same database and settings as the server."""
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(env)
    sys.path[:0] = [str(work_dir), str(ROOT)]
    import django

    django.setup()


# Sample annotations.


def passages(body: str, count: int, rng):
    """count (start, end) spans of the body that begin and end on text, not spaces."""
    from articles.text.anchoring import trim_selection  # no Django: client processes use it too

    while count:
        start = rng.randrange(len(body))
        # Mostly a phrase or a sentence (median ~55 characters), now and then a paragraph.
        length = min(600, max(3, int(rng.lognormvariate(4, 0.7))))
        start, end = trim_selection(body, start, start + length)
        if start < end:
            count -= 1
            yield start, end


def sample_note(rng, passage: str, n: int) -> str:
    """A short Markdown note about the passage, the n-th of its kind."""
    words = passage.split() or ["this"]
    return rng.choice(NOTES).format(word=rng.choice(words).strip(".,;:“”\"'"), n=n)


def web_annotation(body: str, start: int, end: int, *, note: str = "", tags=(), **audience) -> dict:
    """What the popover POSTs to the API (api:annotation_create) for body[start:end]: a W3C Web
    Annotation with both selectors; `audience` is visibility (and group, a group's slug)."""
    bodies = [{"type": "TextualBody", "value": note, "purpose": "commenting"}] if note else []
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags]
    selectors = [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {"type": "TextQuoteSelector", "exact": body[start:end]},
    ]
    return {"type": "Annotation", "body": bodies, "target": {"selector": selectors}, **audience}


def copy_article(source, key: str, about: str):
    """A new article of source's outlet and story with its text: one more page to annotate. key
    makes its slug and file name unique, about is added to its title in parentheses."""
    from articles.models import Article

    article = Article(
        outlet=source.outlet,
        story=source.story,
        title=f"{source.title} ({about})",
        slug=f"{source.slug[:150]}-{key}",
        byline=source.byline,
        published_on=source.published_on,
        source_url=source.source_url,
        body=source.body,
        source_file=key,
    )
    article.full_clean()
    article.save()
    return article


def session_cookie(user) -> str:
    """A signed-in session made on the server, as login() makes it: the session cookie's value."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


# Server time in this process.


@dataclass
class Timings:
    """Server time of one URL in one cache state, in seconds, and what the page was like."""

    samples: list[float]  # wall clock
    cpu_samples: list[float]  # this process's CPU time: steadier than wall clock on a busy machine
    queries: int
    size: int  # bytes of the response body

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.samples)

    @property
    def p95_ms(self) -> float:
        return 1000 * statistics.quantiles(self.samples, n=20, method="inclusive")[18]

    @property
    def cpu_median_ms(self) -> float:
        return 1000 * statistics.median(self.cpu_samples)


def time_url(client, path: str, requests: int, *, cold: bool) -> Timings:
    """Server time of requests GETs of one path, after a few untimed ones to warm up the process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # compiled templates, the static manifest, a primed fragment cache
        check_ok(client.get(path), path)
    samples, cpu_samples = [], []
    for _ in range(requests):
        if cold:
            cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        cpu_samples.append(time.process_time() - cpu_started)
        check_ok(response, path)
    # Counted on one extra request, apart from the timed ones: capturing adds its own overhead.
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return Timings(samples, cpu_samples, len(queries), len(response.content))


def check_ok(response, path: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")


# gunicorn.


def postgres_answers(url: str) -> bool:
    """Whether a PostgreSQL server listens where the URL says."""
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
    except OSError:
        return False
    return True


def create_postgres_database(admin_url: str, name: str) -> str:
    """A new, empty database on the server of admin_url (a database to connect to meanwhile); its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def drop_postgres_database(admin_url: str, name: str) -> None:
    """Drop the database, even if a process that was killed left a connection to it."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Redis.


def redis_answers(url: str) -> bool:
    """Whether a Redis server answers PING where the URL says."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def redis_key_prefix(work_dir: Path) -> str:
    """The prefix of a site's cache keys in Redis, from its folder's path: sites that exist at the
    same time (benches and tests run at once) share no key."""
    return "site-" + hashlib.sha256(str(work_dir.resolve()).encode()).hexdigest()[:16]


def delete_redis_keys(url: str, work_dir: Path) -> None:
    """Remove what the site of work_dir left in Redis."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    for key in client.scan_iter(f"{redis_key_prefix(work_dir)}:*", count=1000):
        client.delete(key)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_ports(count: int) -> list[int]:
    """count different free ports."""
    ports = []
    while len(ports) < count:
        if (port := free_port()) not in ports:
            ports.append(port)
    return ports


def start_gunicorn(env: dict, port: int, workers: int, log: Path, *options: str) -> subprocess.Popen:
    """gunicorn's sync workers on 127.0.0.1:port; its own log in `log`, with more `options`."""
    command = [
        *[sys.executable, "-m", "gunicorn", "newsroom.wsgi"],
        *["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync"],
        # Not the control socket in ~/.gunicorn/ that every other gunicorn of this user shares.
        *["--error-logfile", str(log), "--no-control-socket", *options],
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_answering(server: subprocess.Popen, port: int, log: Path, path: str) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}:\n{log.read_text()}")
        try:
            if fetch(port, path) == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 15 s: gunicorn's master stops its workers, the task worker
    finishes its task."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def process_stats():
    """(pid, the fields of /proc/<pid>/stat after the command name) of every process; none
    without Linux's /proc. The command name is in parentheses and may contain spaces."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            yield int(stat.parent.name), stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile


def server_cpu_seconds(master_pid: int) -> float | None:
    """User + system CPU time so far of gunicorn's master and workers; None without Linux's /proc."""
    total_ticks, found = 0, False
    for pid, fields in process_stats():
        if pid == master_pid or int(fields[1]) == master_pid:  # fields[1]: the parent's pid
            total_ticks += int(fields[11]) + int(fields[12])  # utime, stime
            found = True
    return total_ticks / os.sysconf("SC_CLK_TCK") if found else None


def gunicorn_workers(master_pid: int) -> list[int]:
    """The pids of the master's workers (Linux's /proc)."""
    return sorted(pid for pid, fields in process_stats() if int(fields[1]) == master_pid)


def kill_a_worker(master_pid: int, rng) -> tuple[int, float]:
    """SIGKILL one of the master's workers, chosen by rng, as the kernel's OOM killer would: the
    request it is answering is cut, the master starts another. (pid, time.time() of the kill)."""
    pid = rng.choice(gunicorn_workers(master_pid))
    killed_at = time.time()
    os.kill(pid, signal.SIGKILL)
    return pid, killed_at


# The task worker (django-tasks' database backend).


def start_task_worker(env: dict, log: Path) -> subprocess.Popen:
    """The task worker as `make serve` runs it beside gunicorn, its output appended to log."""
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def restart_task_worker(worker: subprocess.Popen, env: dict, log: Path) -> tuple[subprocess.Popen, float]:
    """Stop the worker as systemd does (SIGTERM: it finishes the task it is running) and start
    another; (the new worker, seconds the old one took to stop)."""
    started = time.perf_counter()
    stop(worker)
    return start_task_worker(env, log), time.perf_counter() - started


def load_average() -> str:
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


# Client processes driving one URL after another.


@dataclass(frozen=True)
class Target:
    """One URL under load: GET path with these headers, counted as done when it answers `expect`."""

    path: str
    headers: tuple[tuple[str, str], ...] = ()
    expect: int = 200


def fetch(port: int, path: str, headers: tuple[tuple[str, str], ...] = ()) -> int:
    """GET a path on a new connection, read the whole answer and return its status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request("GET", path, headers=dict(headers))
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def drive(port: int, target: Target, seconds: float) -> tuple[int, int, float, list[float]]:
    """One client process: GET the target back to back for seconds; (done, failed, elapsed, latencies)."""
    done, failed, latencies = 0, 0, []
    started = time.perf_counter()
    deadline = started + seconds
    while (now := time.perf_counter()) < deadline:
        try:
            status = fetch(port, target.path, target.headers)
        except (OSError, http.client.HTTPException):
            status = 0
        latencies.append(time.perf_counter() - now)
        if status == target.expect:
            done += 1
        else:
            failed += 1
    return done, failed, time.perf_counter() - started, latencies


@dataclass
class Load:
    """One URL under gunicorn, summed over its rounds."""

    done: list[int] = field(default_factory=list)  # per client job
    elapsed: list[float] = field(default_factory=list)  # per client job, seconds
    failures: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, as the clients saw them
    server_cpu: float | None = 0.0  # seconds of gunicorn's processes; None where /proc is missing

    def add_round(self, runs: list[tuple[int, int, float, list[float]]], server_cpu: float | None) -> None:
        if not self.done:
            self.done, self.elapsed = [0] * len(runs), [0.0] * len(runs)
        for index, (done, failed, elapsed, latencies) in enumerate(runs):
            self.done[index] += done
            self.elapsed[index] += elapsed
            self.failures += failed
            self.latencies += latencies
        self.server_cpu = (
            None if server_cpu is None or self.server_cpu is None else self.server_cpu + server_cpu
        )

    @property
    def rate(self) -> float:
        """Completed requests per second, all clients together."""
        return sum(done / elapsed for done, elapsed in zip(self.done, self.elapsed, strict=True) if elapsed)

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def cpu_ms(self) -> float | None:
        """Server CPU time per completed request."""
        requests = sum(self.done)
        return 1000 * self.server_cpu / requests if self.server_cpu is not None and requests else None


def ignore_interrupts() -> None:
    """In client processes: Ctrl-C is for the bench, which ends them and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def client_pool(processes: int):
    """Client processes, started with spawn, not fork: clean, without this process's Django or its
    database. Use it in a with block: leaving it ends them, also on error."""
    return multiprocessing.get_context("spawn").Pool(processes, initializer=ignore_interrupts)


def client_manager():
    """A process serving objects that client processes share (a Barrier, say), started with spawn.
    Use it in a with block: leaving it ends it, also on error."""
    manager = SyncManager(ctx=multiprocessing.get_context("spawn"))
    manager.start(ignore_interrupts)
    return manager


def run_clients(pool, port: int, target: Target, clients: int, seconds: float) -> list:
    jobs = [(port, target, seconds)] * clients
    return pool.starmap_async(drive, jobs).get(seconds + REQUEST_TIMEOUT_SECONDS + 5)


def measure_loads(pool, server: subprocess.Popen, port: int, targets: dict, clients: int, seconds: float):
    """Load keyed like targets: a warm-up per URL, then rounds that take the URLs in turn, seconds
    per URL in all."""
    for target in targets.values():
        # Every worker gets the page's fragments into its own cache before anything is counted.
        run_clients(pool, port, target, clients, WARM_UP_SECONDS)
    rounds = max(1, round(seconds / ROUND_SECONDS))
    loads = {label: Load() for label in targets}
    for _ in range(rounds):
        for label, target in targets.items():
            before = server_cpu_seconds(server.pid)
            runs = run_clients(pool, port, target, clients, seconds / rounds)
            after = server_cpu_seconds(server.pid)
            loads[label].add_round(runs, None if before is None or after is None else after - before)
    return loads
