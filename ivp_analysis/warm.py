"""Warm kernels for batches: a new kernel process per notebook, without the import cost.

A cold kernel (what ``ivp report`` starts) is a new Python process that imports pandas,
statsmodels, matplotlib, seaborn and this package again: about 2 s of every notebook's run.
In a batch, each worker process keeps one *template*: a process started like a kernel (same
interpreter, flags, environment and working directory) that has imported those modules and
nothing else, and never runs notebook code. For every notebook the template forks: the child is
a new process whose memory starts as a copy of the template's, so the imports are done; it
becomes the kernel (``ipykernel``'s own start-up, its own connection file) and ends with the
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

Each template is bound to its worker: it exits when the worker closes its pipe (also when
the worker is killed), and its kernels are killed with it (``PR_SET_PDEATHSIG`` on Linux).
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
from functools import cache
from pathlib import Path
from typing import Any

from ivp_analysis.errors import ReportError

#: Libraries every report notebook needs, imported by the template besides the notebooks' own
#: imports; ``ipykernel.kernelapp`` brings IPython, zmq, tornado and the kernel classes.
BASE_MODULES = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib.pyplot",
    "seaborn",
    "yaml",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
)
#: The matplotlib backend of the kernels: it attaches to the IPython shell when imported, so it
#: must be imported by the kernel, never by the template.
INLINE_BACKEND = "matplotlib_inline.backend_inline"
#: Environment variables that ``jupyter_client`` sets per launch (not read at import time).
PER_LAUNCH = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME"})
#: Seconds to wait for a template to import its modules, and for one fork.
START_TIMEOUT = 300.0
FORK_TIMEOUT = 30.0


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


# --------------------------------------------------------------------------- the template


def _import_all(modules: list[str]) -> None:
    """Import each module; a name that is not a module (``from x import function``) is skipped."""
    import importlib
    import importlib.util

    for name in modules:
        parent = name.rpartition(".")[0]
        if parent and parent not in sys.modules:
            _import_all([parent])
        if name in sys.modules:
            continue
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except (ImportError, ValueError):
            continue  # an attribute of a module, not a module
        importlib.import_module(name)


def _serve(requests: int, replies: int, modules: list[str]) -> int:
    """Run the template: import ``modules``, then fork one kernel per request until EOF."""
    t = time.perf_counter()
    out = os.fdopen(replies, "w", encoding="utf-8", buffering=1)
    try:
        _import_all(modules)
        problem = _unsafe_state()
    except BaseException as exc:  # noqa: BLE001 - any failure is reported to the worker
        problem = f"import failed: {type(exc).__name__}: {exc}"
    if problem:
        out.write(json.dumps({"error": problem}) + "\n")
        return 1
    children: set[int] = set()
    signal.signal(signal.SIGCHLD, lambda *_: _reap(children))
    signal.signal(signal.SIGTERM, lambda *_: _stop(children, 0))
    start_cwd = os.getcwd()
    out.write(json.dumps({"ready": round(time.perf_counter() - t, 3), "pid": os.getpid()}) + "\n")
    with os.fdopen(requests, "r", encoding="utf-8") as inp:
        for line in inp:
            request = json.loads(line)
            ready_r, ready_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(ready_r)
                _become_kernel(request, start_cwd, close=(requests, replies), ready=ready_w)
            os.close(ready_w)
            os.read(ready_r, 1)  # the child is in its own session now: its pid is its group
            os.close(ready_r)
            children.add(pid)
            out.write(json.dumps({"pid": pid}) + "\n")
    _stop(children, 0)
    return 0


def _unsafe_state() -> str | None:
    """Return why the template may not fork kernels, or ``None`` when it may."""
    if threading.active_count() != 1:
        names = [t.name for t in threading.enumerate()]
        return f"an import started a thread ({', '.join(names)}); a fork would not copy it"
    if INLINE_BACKEND in sys.modules:
        return f"{INLINE_BACKEND} was imported; it must attach to each kernel's own shell"
    return None


def _reap(children: set[int]) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)


def _stop(children: set[int], code: int) -> None:
    """Kill the kernels still running (their whole groups) and end the template."""
    for pid in list(children):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(code)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent (the template) ends."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _become_kernel(request: dict, start_cwd: str, close: tuple[int, ...], ready: int) -> None:
    """In the forked child: set up the process as a cold kernel would be, run the kernel, exit."""
    code = 1
    try:
        parent = os.getppid()
        os.setsid()
        _die_with_parent()
        if os.getppid() != parent:
            os._exit(1)  # the template ended before the signal was armed
        os.write(ready, b"1")
        os.close(ready)
        for fd in close:
            os.close(fd)
        for sig in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import ipykernel_launcher

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        # as ipykernel_launcher does: the working directory is off sys.path while the kernel
        # starts; IPython puts '' back
        if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path(start_cwd)):
            del sys.path[0]
        if "numpy" in sys.modules:  # a new process seeds numpy's global generator afresh
            sys.modules["numpy"].random.seed()
        from ipykernel import kernelapp

        code = 0
        kernelapp.launch_new_instance()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the child must never return into the template
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        import atexit

        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point of a template process: ``python -m ivp_analysis.warm REQ_FD REPLY_FD MODULE...``."""
    args = sys.argv[1:] if argv is None else argv
    return _serve(int(args[0]), int(args[1]), args[2:])


# --------------------------------------------------------------------------- the worker side


class Template:
    """A running template process, owned by this worker; forks kernels on request."""

    def __init__(self, prefix: list[str], env: dict[str, str], cwd: str, modules: list[str]):
        self.key = template_key(prefix, env, cwd)
        req_r, self._req_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        self.proc = subprocess.Popen(
            [*prefix, "-m", "ivp_analysis.warm", str(req_r), str(rep_w), *modules],
            pass_fds=(req_r, rep_w),
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C of the batch reaches the batch, which stops it
        )
        os.close(req_r)
        os.close(rep_w)
        self._buffer = b""
        reply = self._reply(START_TIMEOUT)
        if "error" in reply:
            self.close()
            raise ReportError(f"warm kernels: the template cannot serve: {reply['error']}")
        self.seconds = float(reply["ready"])

    def _reply(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._rep_r], [], [], left)[0]:
                raise ReportError(f"warm kernels: no answer from the template in {timeout:.0f} s")
            chunk = os.read(self._rep_r, 65536)
            if not chunk:
                code = self.proc.poll()
                raise ReportError(f"warm kernels: the template ended (exit code {code})")
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
        return self.proc.poll() is None

    def close(self) -> None:
        """End the template: it kills its kernels when its request pipe closes."""
        for fd in (self._req_w, self._rep_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


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


class KernelPool:
    """The warm kernels of one worker process: its templates (normally one) and their launches."""

    def __init__(self, modules: list[str]):
        self.modules = modules
        self.templates: dict[tuple, Template] = {}
        self.lock = threading.Lock()
        self.launches = 0

    def launch(self, cmd: list[str], env: dict[str, str], cwd: str) -> int | None:
        """Fork a kernel for a cold kernel command; ``None`` when ``cmd`` is not an ipykernel."""
        if "-m" not in cmd or cmd[cmd.index("-m") + 1 :][:1] != ["ipykernel_launcher"]:
            return None
        i = cmd.index("-m")
        prefix, argv = cmd[:i], cmd[i + 2 :]
        key = template_key(prefix, env, cwd)
        with self.lock:
            template = self.templates.get(key)
            if template is not None and not template.alive():
                template.close()
                template = None
            if template is None:
                template = Template(prefix, {k: v for k, v in env.items()}, cwd, self.modules)
                self.templates[key] = template
            self.launches += 1
            return template.fork(argv, env, cwd)

    def close(self) -> None:
        with self.lock:
            for t in self.templates.values():
                t.close()
            self.templates.clear()


_POOL: KernelPool | None = None


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
    """Return a ``jupyter_client`` kernel manager that forks its kernel from the active pool."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class WarmProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            pool = active_pool()
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = pool.launch(cmd, env, cwd) if pool is not None else None
            if pid is None:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = _Forked(pid)  # type: ignore[assignment]
            self.pid = self.pgid = pid
            self.cwd = cwd
            return self.connection_info

    class WarmKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw: Any):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = WarmProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

    return WarmKernelManager


if __name__ == "__main__":
    sys.exit(main())
