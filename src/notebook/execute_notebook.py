"""Execute notebooks headlessly with nbclient and report every code cell as JSON.

Called by src/notebook/execute.ts (distlab), not by people:

    python3 execute_notebook.py <request.json> <result.json>

request: {"notebooks": [{"notebook": path, "output": path or null}, ...], "kernel": "tslab",
          "cell_timeout_s": n, "startup_timeout_s": n, "share_kernel": bool}
result:  {"runs": [{"kernel_start_s": x, "kernel_reused": bool, "duration_s": x,
                    "error": str or null,
                    "cells": [{"index", "status", "stdout", "stderr", "displays", "duration_s"}]}]}

With "share_kernel", the notebooks (all in one folder: the kernel's working directory) run one
after another in one kernel: before each notebook after the first, the cell RESET_CELL makes
distlab's kernel launcher (tslab-kernel.ts) forget every declaration and value, so each
notebook starts from an empty namespace while TypeScript's parsed libraries and the loaded
modules are kept (most of a kernel's start-up cost). A kernel that dies is replaced for the
next notebook. Without it, each notebook gets a kernel of its own.

tslab quirks handled here (see docs/notebooks.md):
  - errors arrive as stderr stream output and a bare {"status": "error"} reply, never as an
    `error` output, so the runner records the reply status and the streams;
  - after a failing cell tslab aborts every request arriving within 200 ms, so on_cell_error
    sleeps 350 ms before the next cell is sent;
  - a cell that exceeds its timeout is interrupted (SIGINT) and counted as an error;
  - a kernel that fails before a notebook's first cell is started again, KERNEL_START_ATTEMPTS
    times in all.
"""
import asyncio
import inspect
import json
import os
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
except ImportError as missing:  # reported by execute.ts with install advice
    sys.stderr.write("distlab-missing-module: %s\n" % missing)
    sys.exit(3)

ABORT_WINDOW_PAUSE_S = 0.35
KERNEL_START_ATTEMPTS = 3
# Must equal resetCellSource in src/notebook/tslab-kernel.ts.
RESET_CELL = "// distlab: reset kernel"


async def maybe_await(value):
    if inspect.isawaitable(value):
        return await value
    return value


class NotebookRun:
    """One notebook's cells, as the hooks of its NotebookClient see them run."""

    def __init__(self, path, cell_timeout_s):
        self.path = path
        self.nb = nbformat.read(path, as_version=4)
        self.cell_timeout_s = cell_timeout_s
        self.started = {}
        self.cells = {}
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code":
                # Empty code cells are skipped by nbclient; they count as ok.
                status = "ok" if not cell.source.strip() else "not-run"
                self.cells[index] = {"index": index, "status": status, "stdout": "", "stderr": "",
                                     "displays": [], "duration_s": 0.0}

    def on_cell_execute(self, cell, cell_index):
        self.started[cell_index] = time.monotonic()

    def on_cell_executed(self, cell, cell_index, execute_reply):
        entry = self.cells[cell_index]
        entry["duration_s"] = time.monotonic() - self.started.get(cell_index, time.monotonic())
        content = {} if execute_reply is None else execute_reply.get("content", {})
        if execute_reply is None or content.get("ename") == "CellTimeoutError":
            entry["status"] = "error"
            entry["timed_out"] = True
        else:
            status = content.get("status")
            entry["status"] = {"ok": "ok", "error": "error", "abort": "aborted", "aborted": "aborted"}.get(status, "error")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                name = "stderr" if output.get("name") == "stderr" else "stdout"
                entry[name] += output.get("text", "")
            elif kind in ("display_data", "execute_result", "update_display_data"):
                entry["displays"].append(sorted(output.get("data", {}).keys()))
            elif kind == "error":
                entry["stderr"] += "%s: %s\n" % (output.get("ename", ""), output.get("evalue", ""))
        if entry.get("timed_out"):
            entry["stderr"] += "distlab: cell exceeded its %s s timeout and was interrupted\n" % self.cell_timeout_s

    async def on_cell_error(self, cell, cell_index, execute_reply):
        # tslab aborts requests for 200 ms after an error; wait it out before the next cell.
        await asyncio.sleep(ABORT_WINDOW_PAUSE_S)


def make_client(request, run, km=None):
    return NotebookClient(
        run.nb,
        km=km,
        kernel_name=request["kernel"],
        timeout=request["cell_timeout_s"],
        startup_timeout=request["startup_timeout_s"],
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": "cell timed out", "traceback": []},
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(run.path))}},
        on_cell_execute=run.on_cell_execute,
        on_cell_executed=run.on_cell_executed,
        on_cell_error=run.on_cell_error,
    )


async def start_kernel(request, run):
    """A client that owns a fresh, ready kernel (its km and kc serve the notebooks that follow)."""
    host = make_client(request, run)
    host.km = host.create_kernel_manager()
    await host.async_start_new_kernel()
    await host.async_start_new_kernel_client()
    return host


async def stop_kernel(host):
    if host is None:
        return
    try:
        host.kc.stop_channels()
        await maybe_await(host.km.shutdown_kernel(now=True))
    except Exception:  # already dead: nothing to stop
        pass


async def reset_kernel(host):
    """Runs RESET_CELL and waits for its reply; False when the kernel did not answer."""
    try:
        msg_id = host.kc.execute(RESET_CELL, store_history=False)
        reply = await host.async_wait_for_reply(msg_id)
        return reply is not None and reply.get("content", {}).get("status") == "ok"
    except Exception:
        return False


async def run_notebook(request, item, host):
    """Runs one notebook on `host`'s kernel (starting one if needed); returns (result, host to reuse or None)."""
    run = NotebookRun(item["notebook"], request["cell_timeout_s"])
    begin = time.monotonic()
    error = None
    kernel_start_s = None
    reused = False
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            if host is not None and await reset_kernel(host):
                reused = True
            else:
                await stop_kernel(host)
                host = None
                host = await start_kernel(request, run)
                kernel_start_s = time.monotonic() - begin
            client = make_client(request, run, km=host.km)
            client.kc = host.kc
            await client.async_execute()
            error = None
            break
        except Exception as failure:  # kernel death, startup failure: later cells stay "not-run"
            error = "%s: %s" % (type(failure).__name__, failure)
            await stop_kernel(host)
            host = None
            if run.started:
                break
            if attempt == KERNEL_START_ATTEMPTS:
                error = "the tslab kernel did not start (%d attempts; last: %s)" % (attempt, error)
    if item.get("output"):
        nbformat.write(run.nb, item["output"])
    result = {
        "kernel_start_s": 0.0 if reused else kernel_start_s,
        "kernel_reused": reused,
        "duration_s": time.monotonic() - begin,
        "error": error,
        "cells": [run.cells[index] for index in sorted(run.cells)],
    }
    return result, host


async def run_all(request):
    runs = []
    host = None
    try:
        for item in request["notebooks"]:
            result, host = await run_notebook(request, item, host)
            runs.append(result)
            if not request.get("share_kernel"):
                await stop_kernel(host)
                host = None
    finally:
        await stop_kernel(host)
    return runs


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    runs = asyncio.run(run_all(request))
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump({"runs": runs}, handle)


if __name__ == "__main__":
    main()
