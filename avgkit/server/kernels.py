"""A kernel manager with a cap: each user's app runs at most `max_kernels` kernels (one per open
page). Past the cap a new page gets a clear message (HTTP 429) instead of another kernel.
Idle kernels are culled by jupyter-server's own MappingKernelManager.cull_idle_timeout."""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer, Unicode

CAP_MESSAGE = ("U heeft al {n} vensters met de app open: meer kan niet tegelijk. Sluit een ander "
               "venster (of wacht tot een ongebruikt venster is opgeruimd) en laad deze pagina "
               "opnieuw. / You already have {n} windows with the app open; close one and reload.")


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(4, config=True, help="most kernels one user's app may run at once")
    cap_message = Unicode(CAP_MESSAGE, config=True)

    async def start_kernel(self, *args, kernel_id=None, **kwargs):  # noqa: ANN001
        if kernel_id is None and len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("kernel cap reached (%d): not starting another", self.max_kernels)
            raise web.HTTPError(429, reason="Too Many Kernels",
                                log_message=self.cap_message.format(n=self.max_kernels))
        return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
