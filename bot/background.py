"""Background tasks the bot starts (digest, meeting and broadcast runs) and how a stop ends them."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def wait_or_cancel(task: asyncio.Task[Any] | None, seconds: float) -> None:
    """Let a run finish what it has in flight for ``seconds`` at most, then cancel it; a run that was
    cancelled or failed is over either way (its ledger says what is uncertain)."""
    if task is None or task.done():
        return
    try:
        await asyncio.wait_for(asyncio.shield(task), seconds)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    except asyncio.CancelledError:
        if not task.cancelled():  # the stop itself was cancelled, not the run: let that through
            raise
