"""kernel_client: the report kernels' client is ready when the kernel answers, outputs unchanged."""

import asyncio

from ivp_analysis.execute import KERNEL_ARGUMENTS, kernel_options
from ivp_analysis.kernel_client import QuickReadyClient, QuickReadyKernelManager


def test_the_managers_of_cold_and_warm_kernels_hand_out_the_quick_client():
    assert isinstance(QuickReadyKernelManager().client(), QuickReadyClient)
    options = kernel_options()  # no warm pool active: a cold kernel
    assert options["kernel_manager_class"] is QuickReadyKernelManager
    assert options["extra_arguments"] == KERNEL_ARGUMENTS


def test_a_real_kernel_is_ready_and_its_first_request_sees_only_its_own_messages():
    async def run() -> tuple[list, list]:
        km = QuickReadyKernelManager(kernel_name="ivp-analysis")
        await km.start_kernel(extra_arguments=KERNEL_ARGUMENTS)
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute("print('hallo')")
            mine, others = [], []
            while True:
                msg = await kc.get_iopub_msg(timeout=30)
                (mine if msg["parent_header"].get("msg_id") == msg_id else others).append(msg)
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    if msg in mine:
                        break
            return mine, others
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    mine, others = asyncio.run(run())
    streams = [m["content"]["text"] for m in mine if m["msg_type"] == "stream"]
    assert streams == ["hallo\n"]
    # whatever the start-up left was drained by wait_for_ready, not handed to the request
    assert all(m["msg_type"] == "status" for m in others)
