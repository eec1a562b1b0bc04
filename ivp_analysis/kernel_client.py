"""The kernel client of report runs: ready as soon as the kernel answers, without 0.2 s of quiet.

``jupyter_client`` (8.x) waits, after a new kernel has answered ``kernel_info``, until its IOPub
channel has been quiet for 0.2 s, to drop the start-up messages. Papermill's executor (nbclient)
already ignores every IOPub message that does not answer the request it is waiting for, so the
wait changes no output; it only adds 0.2 s per notebook, four per report, in which neither the
kernel nor the report runs (measured: a notebook without work ran in 0.25 s, now in 0.04 s).
:class:`QuickReadyClient` drains what is already queued and returns. Everything else is
``jupyter_client``'s :class:`~jupyter_client.asynchronous.AsyncKernelClient`.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from traitlets import DottedObjectName, Type

#: Seconds to wait for the IOPub message of a ``kernel_info`` reply before asking again (0.2 in
#: ``jupyter_client``). A new subscriber misses what the kernel published before it joined, so
#: the first answer's status message is often lost; asking again sooner costs a tiny request.
IOPUB_CHECK = 0.02
#: Dotted name of the client, as ``KernelManager.client_class`` takes it.
CLIENT_CLASS = "ivp_analysis.kernel_client.QuickReadyClient"


class QuickReadyClient(AsyncKernelClient):
    """An asynchronous kernel client whose ``wait_for_ready`` does not wait for IOPub to be quiet."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answered ``kernel_info`` and its IOPub channel is connected.

        As ``jupyter_client``'s own (for a client made by a kernel manager), but the start-up
        messages on IOPub are only drained, not waited for.
        """
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub is connected once the reply's busy/idle status arrives
                        await self.iopub_channel.get_msg(timeout=IOPUB_CHECK)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # what the start-up left queued (nbclient would skip it anyway)
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break


class QuickReadyKernelManager(AsyncKernelManager):
    """``jupyter_client``'s asynchronous kernel manager, handing out :class:`QuickReadyClient`."""

    client_class = DottedObjectName(CLIENT_CLASS)
    # jupyter_client's manager makes its clients with client_factory, whose default is fixed
    client_factory = Type(QuickReadyClient, klass=AsyncKernelClient)
