"""Warm kernels for batches: a new kernel process per notebook, without the import cost.

A cold kernel (what ``ivp report`` starts) is a new Python process that imports pandas,
statsmodels, matplotlib, seaborn and this package again: about 2 s of every notebook's run.
In a batch there is a *template*: a process started like a kernel (same interpreter, flags,
environment and working directory) that has imported those modules and nothing else, and never
runs notebook code. The batch starts one for its workers on this machine, which connect to it
over a Unix socket (:meth:`Template.attach`, :func:`ivp_analysis.batch.shared_template`); a
worker without one, or whose launches differ from it, starts its own. For every notebook the
template forks: the child is a new process whose memory starts as a copy of the template's, so
the imports are done; it becomes the kernel (``ipykernel``'s own start-up, its own connection file) and ends with the
notebook. Why a report made so is byte-for-byte the cold report (``docs/batch.md``):

* **fresh namespace**: the kernel app, the IPython shell and the user namespace are created in
  the child after the fork, exactly as in a cold kernel; the template holds no kernel, no
  shell and no user variable, and every notebook gets a child of its own that ends with it;
* **nothing leaks from one notebook to the next**, also not from a failed or crashed one: a
  child's changes (variables, imported modules, matplotlib rcParams and figures, pandas
  options, warning filters, ``functools`` caches, environment, working directory) stay in its
  own process; the template never ran a notebook, so every child starts from the same state;
* **only side-effect-free imports are preloaded**: the modules the source notebooks import
  (:func:`preload_modules`) plus the libraries and ``ipykernel``; the template refuses to
  serve when an import started a thread or loaded the inline matplotlib backend (which must
  attach to the child's shell, and does so when the first figure is drawn);
* **random state**: Python's ``random`` reseeds itself in a forked child; numpy's global
  generator is reseeded from the operating system, as in a new process; the hash seed is the
  kernels' fixed ``PYTHONHASHSEED``;
* **environment and working directory**: the child takes the environment, arguments and
  working directory that ``jupyter_client`` would give a cold kernel; a template serves only
  launches whose interpreter, flags, environment and working directory equal its own (the
  values a library may read at import), and a new template is started for any other.

Each template is bound to the process that started it (the batch, or a worker): it exits when
that process closes its pipe (also when it is killed), and its kernels are killed with it
(``PR_SET_PDEATHSIG`` on Linux). The kernels forked for a worker attached to a shared template
are killed when that worker's connection closes (it ended or was killed).
Linux only (``os.fork``); elsewhere :func:`available` is false and batches run cold.
"""

from __future__ import annotations

import ast
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ivp_analysis.errors import ReportError

#: Libraries every report notebook needs, imported by the template besides the notebooks' own
#: imports: ``ipykernel.kernelapp`` brings IPython, zmq, tornado and the kernel classes; the rest
#: is what a kernel otherwise imports itself when it starts (the debugger, IPython's inspector
#: and completer) or at its first table or figure (pandas' writers, the Agg renderer). Each is
#: an import without side effects (no thread, hook or signal handler; checked by the template).
BASE_MODULES = (
    "numpy",
    "pandas",
    "pandas.io.formats.csvs",
    "pandas.io.formats.string",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "seaborn",
    "yaml",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.pylabtools",
    "IPython.extensions.storemagic",
    "faulthandler",
    "pdb",
    "psutil",
    "sqlite3",
)
#: Environment variables that ``jupyter_client`` sets per launch (not read at import time).
PER_LAUNCH = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME"})
#: Seconds to wait for a template to import its modules, and for one fork.
START_TIMEOUT = 300.0
FORK_TIMEOUT = 30.0
#: The longest path of a Unix socket (108 bytes on Linux, with the terminating zero).
MAX_SOCKET_PATH = 107


def available() -> bool:
    """Return whether warm kernels can run here (a platform with ``os.fork``: Linux, macOS)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def preload_modules(notebooks: Iterable[Path]) -> list[str]:
    """Return the modules to import in a template: :data:`BASE_MODULES` and the notebooks' imports.

    Every ``import x.y`` and ``from x.y import z`` of a code cell counts (``z`` too, when it is a
    submodule); cells that do not parse (IPython magics) are skipped.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("import json\\nfrom ivp_analysis import codes")]
    >>> p = Path(tempfile.mkdtemp()) / "01_x.ipynb"
    >>> nbformat.write(nb, p)
    >>> [m for m in preload_modules([p]) if m not in BASE_MODULES]
    ['ivp_analysis', 'ivp_analysis.codes', 'json']
    """
    found: set[str] = set(BASE_MODULES)
    for path in notebooks:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", []))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    found.update(f"{node.module}.{a.name}" for a in node.names if a.name != "*")
    return sorted(found, key=lambda m: (m in BASE_MODULES, m))


# --------------------------------------------------------------------------- the worker side


class Template:
    """A template process that forks kernels on request: one this process started, or a shared one.

    ``Template(prefix, env, cwd, modules)`` starts a template bound to this process (it ends when
    this process closes it or ends) and waits until it has imported ``modules``. With
    ``listen=FOLDER`` it returns as soon as the template listens on its socket in ``FOLDER``
    (:func:`shared_socket`), without waiting for the imports: the processes that
    :meth:`attach` to it wait for those. A batch's workers (local, or of a ``LocalCluster``)
    attach to the template the batch started for them (:func:`ivp_analysis.batch.shared_template`).
    """

    def __init__(
        self,
        prefix: list[str],
        env: dict[str, str],
        cwd: str,
        modules: list[str],
        *,
        listen: Path | None = None,
    ):
        self.key = template_key(prefix, env, cwd)
        self.socket = None if listen is None else shared_socket(listen, self.key, modules)
        if self.socket is not None and len(os.fsencode(self.socket)) > MAX_SOCKET_PATH:
            raise ReportError(f"warm kernels: the socket path {self.socket} is too long")
        req_r, self._req_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        listening = [] if self.socket is None else [f"--listen={self.socket}"]
        self.proc: subprocess.Popen | None = subprocess.Popen(
            [*prefix, "-m", "ivp_analysis.kernel_template", str(req_r), str(rep_w)]
            + [*listening, *modules],
            pass_fds=(req_r, rep_w),
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C of the batch reaches the batch, which stops it
        )
        os.close(req_r)
        os.close(rep_w)
        self._buffer = b""
        self.seconds = 0.0
        self.pid = self.proc.pid
        if self.socket is None:
            self._ready()
            return
        deadline = time.monotonic() + FORK_TIMEOUT
        while not self.socket.exists():  # Python's start and a few standard modules: ~50 ms
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise ReportError(f"warm kernels: the shared template did not listen at {listen}")
            time.sleep(0.005)

    @classmethod
    def attach(cls, path: Path, key: tuple) -> Template:
        """Connect to the shared template listening at ``path``; wait until it is ready.

        Its kernels are forked for this connection alone, and killed when it closes (also when
        this process is killed).
        """
        import socket

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
        except OSError as exc:
            sock.close()
            raise ReportError(f"warm kernels: cannot reach the shared template ({exc})") from None
        self = cls.__new__(cls)
        self.key, self.socket, self.proc = key, path, None
        self._req_w = self._rep_r = sock.detach()
        self._buffer = b""
        self.seconds = 0.0
        self._ready()
        return self

    def _ready(self) -> None:
        reply = self._reply(START_TIMEOUT)
        if "error" in reply:
            self.close()
            raise ReportError(
                f"warm kernels: the template cannot serve: {reply['error']} (run the batch with "
                "--kernels cold)"
            )
        self.seconds = float(reply["ready"])
        self.pid = int(reply["pid"])

    def _reply(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._rep_r], [], [], left)[0]:
                raise ReportError(f"warm kernels: no answer from the template in {timeout:.0f} s")
            chunk = os.read(self._rep_r, 65536)
            if not chunk:
                code = "" if self.proc is None else f" (exit code {self.proc.poll()})"
                raise ReportError(f"warm kernels: the template ended{code}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel with these arguments, environment and working directory; return its pid."""
        msg = json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n"
        try:
            os.write(self._req_w, msg.encode())
        except OSError as exc:
            raise ReportError(f"warm kernels: the template ended ({exc})") from None
        return int(self._reply(FORK_TIMEOUT)["pid"])

    def alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        # attached: no answer is due between requests, so anything to read is the end of file
        return not select.select([self._rep_r], [], [], 0)[0]

    def close(self) -> None:
        """Close the connection; a template this process started ends, with all its kernels."""
        for fd in {self._req_w, self._rep_r}:
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.socket is not None:
            self.socket.unlink(missing_ok=True)


def shared_socket(folder: Path, key: tuple, modules: list[str]) -> Path:
    """Return where the shared template of this key and these modules listens, in ``folder``.

    A worker finds the template whose kernels it may use by name: the file is named by a hash
    of everything a template and a launch must share (:func:`template_key`) and of the modules
    it imports, so a worker that differs in any of them finds no socket and starts its own.

    Examples
    --------
    >>> key = template_key(["python"], {"A": "1"}, "/x")
    >>> shared_socket(Path("/run"), key, ["pandas"]).parent
    PosixPath('/run')
    >>> shared_socket(Path("/run"), key, ["pandas"]) == shared_socket(Path("/run"), key, ["numpy"])
    False
    """
    import hashlib

    digest = hashlib.sha256(json.dumps([key, modules]).encode()).hexdigest()[:24]
    return Path(folder) / f"template-{digest}.sock"


def template_key(prefix: list[str], env: dict[str, str], cwd: str) -> tuple:
    """Return what a template and a launch must share: interpreter, flags, environment, folder.

    Examples
    --------
    >>> a = template_key(["python"], {"A": "1", "JPY_PARENT_PID": "9"}, "/x")
    >>> a == template_key(["python"], {"A": "1", "JPY_PARENT_PID": "7"}, "/x")
    True
    >>> a == template_key(["python"], {"A": "2"}, "/x")
    False
    """
    kept = tuple(sorted((k, v) for k, v in env.items() if k not in PER_LAUNCH))
    return (tuple(prefix), kept, str(Path(cwd).resolve()))


@dataclass(frozen=True)
class Launched:
    """A kernel handed to a kernel manager: its pid and, for a spare, its own connection info."""

    pid: int
    info: dict | None = None  # None: the kernel uses the manager's connection file


@dataclass
class _Spare:
    """A kernel forked and started before it was asked for, waiting for its notebook."""

    key: tuple
    pid: int
    file: Path
    info: dict


def _without_connection_file(argv: list[str]) -> tuple[tuple[str, ...], int]:
    """Return the kernel arguments without the connection file, and where ``-f`` stood.

    Examples
    --------
    >>> _without_connection_file(["-f", "/run/k.json", "--quiet"])
    (('--quiet',), 0)
    """
    i = argv.index("-f") if "-f" in argv else -1
    return (tuple(argv[:i] + argv[i + 2 :]) if i >= 0 else tuple(argv)), i


class KernelPool:
    """The warm kernels of one worker process: its templates (normally one), a spare kernel and
    the kernels that are shutting down.

    A *spare* is the next kernel, forked as soon as one is handed out so that it starts while
    the current notebook runs (a kernel takes about 0.3 s to be ready to run a cell). It is
    handed out only to a launch with the same interpreter, flags, environment, working folder
    and kernel arguments (its connection file apart: it has its own, whose ports and key the
    kernel manager takes over); otherwise it is killed and a kernel is forked for the launch.
    Nothing runs in a spare before it is handed out, so it is the kernel the launch would get.
    """

    def __init__(self, modules: list[str], *, spares: bool = True):
        self.modules = modules
        self.spares = spares
        self.templates: dict[tuple, Template] = {}
        self.lock = threading.Lock()
        self.launches = 0
        self.spare: _Spare | None = None
        self.handed: list[tuple[_Forked, float]] = []  # kernels handed out, and when
        self.retired: list[tuple[_Forked, float]] = []

    def _template(self, key: tuple, prefix: list[str], env: dict[str, str], cwd: str) -> Template:
        template = self.templates.get(key)
        if template is not None and not template.alive():
            template.close()
            template = None
        if template is None and _SHARED is not None:
            path = shared_socket(_SHARED, key, self.modules)
            if path.exists():
                try:
                    template = Template.attach(path, key)
                except ReportError:
                    template = None  # ended or cannot serve: a template of this worker's own
        if template is None:
            template = Template(prefix, dict(env), cwd, self.modules)
        self.templates[key] = template
        return template

    def prestart(self, prefix: list[str], env: dict[str, str], cwd: str) -> threading.Thread:
        """Start the template for kernels of this interpreter, environment and folder in the background.

        A launch with the same :func:`template_key` waits for it instead of starting its own;
        any other launch starts another, as without this call. A template that fails to start
        is not reported here: the first launch starts one and reports why it cannot.
        """

        def start() -> None:
            with self.lock:
                try:
                    self._template(template_key(prefix, env, cwd), prefix, env, cwd)
                except ReportError:
                    pass

        thread = threading.Thread(target=start, name="ivp-template", daemon=True)
        thread.start()
        return thread

    def launch(
        self, cmd: list[str], env: dict[str, str], cwd: str, conn: dict | None = None
    ) -> Launched | None:
        """Fork (or hand out the spare) kernel for a cold kernel command.

        ``conn`` is the manager's connection info (ip, transport, signature scheme are taken
        over by a spare). Returns ``None`` when ``cmd`` does not start an ipykernel.
        """
        if "-m" not in cmd or cmd[cmd.index("-m") + 1 :][:1] != ["ipykernel_launcher"]:
            return None
        i = cmd.index("-m")
        prefix, argv = cmd[:i], cmd[i + 2 :]
        key = template_key(prefix, env, cwd)
        fixed, where = _without_connection_file(argv)
        conn = conn or {}
        shape = tuple(conn.get(k) for k in ("ip", "transport", "signature_scheme", "kernel_name"))
        spare_key = (key, fixed, shape)
        with self.lock:
            self._reap_retired()
            template = self._template(key, prefix, env, cwd)
            self.launches += 1
            spare, self.spare = self.spare, None
            if spare is not None and spare.key == spare_key and _Forked(spare.pid).poll() is None:
                spare.file.unlink(missing_ok=True)  # the kernel read it when it started
                launched = Launched(spare.pid, spare.info)
            else:
                if spare is not None:
                    _discard(spare)
                launched = Launched(template.fork(argv, env, cwd))
            if self.spares and where >= 0 and shape[0]:
                self.spare = _fork_spare(template, spare_key, argv, where, env, cwd, conn)
            self.handed = [(k, t) for k, t in self.handed if k.poll() is None]
            self.handed.append((_Forked(launched.pid), time.time()))
            return launched

    def kill_handed_out(self, since: float) -> set[int]:
        """Kill the kernels handed out at or after ``since`` (a ``time.time()``) that still run.

        For a stopped report (:func:`ivp_analysis.staging.kill_kernels`): the kernels of a shared
        template are not this process's descendants. Returns their process ids.
        """
        killed = set()
        with self.lock:
            for kernel, t in self.handed:
                if t >= since - 1 and kernel.poll() is None:
                    try:
                        os.killpg(kernel.pid, signal.SIGKILL)
                        killed.add(kernel.pid)
                    except OSError:
                        pass
        return killed

    def retire(self, process: _Forked, wait: float) -> None:
        """Let a kernel that was asked to shut down end on its own; kill it after ``wait`` s."""
        with self.lock:
            self.retired.append((process, time.monotonic() + wait))

    def _reap_retired(self) -> None:
        now = time.monotonic()
        kept = []
        for process, deadline in self.retired:
            if process.poll() is None:
                if now < deadline:
                    kept.append((process, deadline))
                else:
                    process.kill()
        self.retired = kept

    def settle(self, timeout: float = 10.0) -> None:
        """Return once every retired kernel has ended (killing those past their time)."""
        end = time.monotonic() + timeout
        while True:
            with self.lock:
                self._reap_retired()
                if not self.retired:
                    return
                if time.monotonic() > end:
                    for process, _ in self.retired:
                        process.kill()
            time.sleep(0.02)

    def close(self) -> None:
        """End the templates, and with them every kernel they forked."""
        with self.lock:
            if self.spare is not None:
                _discard(self.spare)
                self.spare = None
            for t in self.templates.values():
                t.close()
            self.templates.clear()


def _fork_spare(template, key, argv, where, env, cwd, conn) -> _Spare:  # noqa: ANN001
    """Write a connection file of its own and fork a kernel on it."""
    from jupyter_client.connect import write_connection_file
    from jupyter_core.paths import jupyter_runtime_dir

    folder = Path(jupyter_runtime_dir())
    folder.mkdir(parents=True, exist_ok=True)
    secret = str(uuid.uuid4()).encode()
    fname, info = write_connection_file(
        str(folder / f"kernel-ivp-warm-{uuid.uuid4().hex[:12]}.json"),
        ip=conn["ip"],
        key=secret,
        transport=conn["transport"],
        signature_scheme=conn["signature_scheme"],
        kernel_name=conn.get("kernel_name") or "",
    )
    args = [*argv]
    args[where + 1] = fname
    return _Spare(key, template.fork(args, env, cwd), Path(fname), {**info, "key": secret})


def _discard(spare: _Spare) -> None:
    try:
        os.killpg(spare.pid, signal.SIGKILL)
    except OSError:
        pass
    spare.file.unlink(missing_ok=True)


_POOL: KernelPool | None = None


def kill_handed_out(since: float) -> set[int]:
    """Kill the kernels this process's pools handed out at or after ``since``; return their pids."""
    pools = {id(p): p for p in (_POOL, _WORKER_POOL) if p is not None}
    return set().union(*(p.kill_handed_out(since) for p in pools.values()))


def active_pool() -> KernelPool | None:
    """Return the pool that kernels of this process are forked from, if any."""
    return _POOL


@contextmanager
def use(pool: KernelPool) -> Iterator[KernelPool]:
    """Fork the kernels started in the block from ``pool``'s templates."""
    global _POOL
    before, _POOL = _POOL, pool
    try:
        yield pool
    finally:
        _POOL = before


_WORKER_POOL: KernelPool | None = None
#: The environment variable that tells a worker where its host's shared templates listen.
SHARED_ENV = "IVP_SHARED_KERNEL_TEMPLATES"
#: The file, beside the shared templates' sockets, with the environment of the batch that started them.
ENVIRON_FILE = "environ.json"
_SHARED: Path | None = None


def use_shared(folder: Path | None) -> Path | None:
    """Look for shared templates in ``folder``; this worker's environment becomes the batch's.

    ``None``: start this process's own templates. Beside the socket the batch wrote its
    environment (``environ.json``), the one the template's kernels have. A worker takes it over
    whole: so its kernels get the environment that ``ivp report`` run in the same shell gives
    them, not what the worker's start added (Dask's variables, also those a Dask cluster run
    earlier in the batch's process left there; ``LINES`` and ``COLUMNS``, which GNU readline
    puts into a process's C environment, where ``multiprocessing`` passes them on to a fork
    server), and its launches match the template's key (:func:`template_key`).
    """
    global _SHARED
    _SHARED = folder
    if folder is not None:
        try:
            environ = json.loads((folder / ENVIRON_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return folder  # a key that differs: the worker starts a template of its own
        os.environ.clear()
        os.environ.update(environ)
    return folder


def share_from_environ() -> Path | None:
    """:func:`use_shared` the folder named in :data:`SHARED_ENV`, and take the variable out.

    Called as a Dask worker starts: the variable is how ``ivp batch`` tells the workers of its
    ``LocalCluster`` where the template it started listens. Without it nothing changes.
    """
    folder = os.environ.pop(SHARED_ENV, None)
    return use_shared(Path(folder) if folder else None)


def worker_pool(notebooks: Iterable[Path]) -> KernelPool:
    """Return this worker process's pool, made on first use and closed when the process exits."""
    global _WORKER_POOL
    modules = preload_modules(notebooks)
    if _WORKER_POOL is None or _WORKER_POOL.modules != modules:
        if _WORKER_POOL is not None:
            _WORKER_POOL.close()
        import atexit

        _WORKER_POOL = KernelPool(modules)
        atexit.register(_WORKER_POOL.close)
    return _WORKER_POOL


# --------------------------------------------------------------------------- jupyter_client


class _Forked:
    """A ``Popen``-like handle of a forked kernel (a child of the template, not of this process)."""

    def __init__(self, pid: int):
        import psutil

        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None
        try:
            self._started = psutil.Process(pid).create_time()
        except psutil.Error:
            self._started = None
            self.returncode = 1

    def poll(self) -> int | None:
        """Return ``None`` while the kernel runs; its exit status is the template's (0 here)."""
        import psutil

        if self.returncode is not None:
            return self.returncode
        try:
            p = psutil.Process(self.pid)
            gone = p.create_time() != self._started or p.status() == psutil.STATUS_ZOMBIE
        except psutil.Error:
            gone = True
        if gone:
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


@cache
def kernel_manager_class() -> type:
    """Return a ``jupyter_client`` kernel manager that forks its kernel from the active pool.

    Its provisioner asks the pool for the kernel instead of starting a process; a spare comes
    with its own connection info, which the manager takes over (its own ports are given back).
    Shutting down (after the notebook ran, or failed), it kills the kernel instead of asking it
    to end: nothing left in that process can change the report. A report waits for its kernels
    to end (:meth:`KernelPool.settle`) before it is published.
    """
    from jupyter_client.connect import LocalPortCache
    from jupyter_client.provisioning import LocalProvisioner

    from ivp_analysis.kernel_client import QuickReadyKernelManager

    class WarmProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            pool = active_pool()
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
            cwd = str(kwargs.get("cwd") or os.getcwd())
            conn: dict[str, Any] = dict(self.connection_info or {})
            launched = pool.launch(cmd, env, cwd, conn) if pool is not None else None
            if launched is None:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = _Forked(launched.pid)  # type: ignore[assignment]
            self.pid = self.pgid = launched.pid
            self.cwd = cwd
            if launched.info is not None:
                if self.ports_cached:  # the manager's own ports stay unused
                    for name in ("shell", "iopub", "stdin", "hb", "control"):
                        LocalPortCache.instance().return_port(int(conn[f"{name}_port"]))
                    self.ports_cached = False
                self.connection_info = launched.info  # type: ignore[assignment]
            return self.connection_info

    class WarmKernelManager(QuickReadyKernelManager):
        async def _async_pre_start_kernel(self, **kw: Any):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = WarmProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

        async def shutdown_kernel(  # type: ignore[override]
            self, now: bool = False, restart: bool = False
        ) -> None:
            process = getattr(self.provisioner, "process", None)
            pool = active_pool()
            if restart or pool is None or not isinstance(process, _Forked):
                await super().shutdown_kernel(now=now, restart=restart)
                return
            # the notebook is done and every output of it received (nbclient shuts down only
            # then): nothing the kernel would still do on a polite shutdown (IPython's exit
            # handlers clearing the namespace and collecting garbage, about 0.1 s of processor
            # time a kernel, while the report waited) can reach the report. So it is killed.
            self.shutting_down = True
            self.stop_restarter()
            process.kill()
            pool.retire(process, self.shutdown_wait_time)
            await self._async_cleanup_resources()

    return WarmKernelManager
