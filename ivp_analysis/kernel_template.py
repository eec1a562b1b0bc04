"""The program of a warm-kernel template: import the libraries once, then fork one kernel per request.

Started by :class:`ivp_analysis.warm.Template` as ``python -m ivp_analysis.kernel_template
REQ_FD REPLY_FD [--listen=PATH] MODULE...`` with the interpreter, flags, environment and working
directory of a cold kernel. It imports the modules, checks that the imports left it safe to fork
(no thread, no matplotlib backend attached), then reads one JSON request per line from
``REQ_FD``: the kernel's arguments, environment and working directory. For each it forks; the
child sets the process up as ``jupyter_client`` sets up a cold kernel and runs ``ipykernel``;
the template answers the child's process id on ``REPLY_FD``. At end of file (the process that
started it closed the pipe or died) or on SIGTERM it kills its kernels and exits. With
``--listen`` it also serves the processes that connect to the Unix socket ``PATH`` (the workers
of a ``LocalCluster`` share one template so), each on its own connection with the same lines;
a connection's end kills the kernels forked for it. It never runs notebook code itself. See
:mod:`ivp_analysis.warm` for why a kernel forked so is a cold kernel's equal.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
import threading
import time
from pathlib import Path

#: The matplotlib backend of the kernels: it attaches to the IPython shell when imported, so it
#: must be imported by the kernel, never by the template.
INLINE_BACKEND = "matplotlib_inline.backend_inline"


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


def _serve(requests: int, replies: int, modules: list[str], listen: str | None = None) -> int:
    """Run the template: import ``modules``, then fork one kernel per request until EOF.

    ``requests`` and ``replies`` are the pipes of the process that started the template: their
    end ends it, and every kernel it forked. With ``listen`` (a Unix socket path) it also serves
    each process that connects there (a worker of a ``LocalCluster``) on its own connection, with
    the same lines; when a connection closes (its worker ended or was killed) the kernels forked
    for it are killed.
    """
    t = time.perf_counter()
    server = None
    stage = "listening"
    try:
        if listen is not None:
            import socket

            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(listen)  # before the imports: a worker that connects waits for them
            server.listen(64)
        stage = "import"
        _import_all(modules)
        problem = _unsafe_state()
    except BaseException as exc:  # noqa: BLE001 - any failure is reported to the worker
        problem = f"{stage} failed: {type(exc).__name__}: {exc}"
    if problem:
        _say(replies, {"error": problem})
        return 1
    # what the imports made lives as long as the template: the garbage collector of a kernel
    # need not scan it again and again (each full collection walked every imported object; the
    # kernel's exit alone spent 0.17 s in one), and a kernel's collections no longer write to
    # the template's pages, which stay shared instead of being copied into every kernel
    gc.collect()
    gc.freeze()
    owner: dict[int, int] = {}  # kernel pid -> the connection (its request fd) it was forked for
    signal.signal(signal.SIGCHLD, lambda *_: _reap(owner))
    signal.signal(signal.SIGTERM, lambda *_: _stop(owner, 0))
    start_cwd = os.getcwd()
    ready = {"ready": round(time.perf_counter() - t, 3), "pid": os.getpid()}
    if not _say(replies, ready):
        _stop(owner, 0)  # the process that started it ended meanwhile
    conns: dict[int, tuple[int, bytearray]] = {requests: (replies, bytearray())}
    while True:
        waiting = [*conns] if server is None else [*conns, server.fileno()]
        for fd in select.select(waiting, [], [])[0]:
            if server is not None and fd == server.fileno():
                cfd = server.accept()[0].detach()
                if _say(cfd, ready):
                    conns[cfd] = (cfd, bytearray())
                else:
                    os.close(cfd)
                continue
            reply, buffer = conns[fd]
            data = os.read(fd, 65536)
            if not data:  # end of file: the connection's worker closed it or ended
                if fd == requests:
                    _stop(owner, 0)
                _stop_kernels(owner, fd)
                del conns[fd]
                os.close(fd)
                continue
            buffer += data
            while b"\n" in buffer:
                line, _, rest = bytes(buffer).partition(b"\n")
                buffer[:] = rest
                fds = {*conns, *(r for r, _ in conns.values())}
                if server is not None:
                    fds.add(server.fileno())
                pid = _fork_kernel(json.loads(line), start_cwd, tuple(fds))
                owner[pid] = fd
                _say(reply, {"pid": pid})  # a worker gone meanwhile: its end of file follows


def _say(fd: int, message: dict) -> bool:
    """Write one JSON line to ``fd``; return ``False`` when its reader is gone."""
    data = (json.dumps(message) + "\n").encode()
    try:
        while data:
            data = data[os.write(fd, data) :]
    except OSError:  # BrokenPipeError, ConnectionResetError: the worker ended
        return False
    return True


def _fork_kernel(request: dict, start_cwd: str, close: tuple[int, ...]) -> int:
    """Fork a kernel for ``request``; return its pid once it leads its own process group."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        _become_kernel(request, start_cwd, close=close, ready=ready_w)
    os.close(ready_w)
    os.read(ready_r, 1)  # the child is in its own session now: its pid is its group
    os.close(ready_r)
    return pid


def _unsafe_state() -> str | None:
    """Return why the template may not fork kernels, or ``None`` when it may."""
    if threading.active_count() != 1:
        names = [t.name for t in threading.enumerate()]
        return f"an import started a thread ({', '.join(names)}); a fork would not copy it"
    if INLINE_BACKEND in sys.modules:
        return f"{INLINE_BACKEND} was imported; it must attach to each kernel's own shell"
    return None


def _reap(owner: dict[int, int]) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        owner.pop(pid, None)


def _stop_kernels(owner: dict[int, int], conn: int) -> None:
    """Kill the kernels forked for one connection (their whole groups)."""
    for pid, fd in list(owner.items()):
        if fd == conn:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def _stop(owner: dict[int, int], code: int) -> None:
    """Kill the kernels still running (their whole groups) and end the template."""
    for pid in list(owner):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(code)


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent ends; return whether it could.

    Used by a kernel (its parent is the template) and by a local batch worker (the batch).
    """
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, sig)
    except (OSError, AttributeError):
        return False
    return True


def _become_kernel(request: dict, start_cwd: str, close: tuple[int, ...], ready: int) -> None:
    """In the forked child: set up the process as a cold kernel would be, run the kernel, exit."""
    code = 1
    try:
        parent = os.getppid()
        os.setsid()
        die_with_parent()
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
    """Entry point: ``python -m ivp_analysis.kernel_template REQ_FD REPLY_FD [--listen=PATH] MODULE...``."""
    args = sys.argv[1:] if argv is None else argv
    listen = None
    if len(args) > 2 and args[2].startswith("--listen="):
        listen = args.pop(2).partition("=")[2]
    return _serve(int(args[0]), int(args[1]), args[2:], listen)


if __name__ == "__main__":
    sys.exit(main())
