"""Execute one notebook headlessly with nbclient and report every code cell as JSON.

Called by src/notebook/execute.ts (distlab), not by people:

    python3 execute_notebook.py <request.json> <result.json>

request: {"notebook": path, "kernel": "tslab", "cell_timeout_s": n, "startup_timeout_s": n,
          "output": path or null}
result:  {"kernel_start_s": x, "duration_s": x, "error": str or null,
          "cells": [{"index", "status", "stdout", "stderr", "displays", "duration_s"}]}

tslab quirks handled here (see docs/notebooks.md):
  - errors arrive as stderr stream output and a bare {"status": "error"} reply, never as an
    `error` output, so the runner records the reply status and the streams;
  - after a failing cell tslab aborts every request arriving within 200 ms, so on_cell_error
    sleeps 350 ms before the next cell is sent;
  - a cell that exceeds its timeout is interrupted (SIGINT) and counted as an error;
  - a kernel that fails before its first cell is started again, KERNEL_START_ATTEMPTS times in all.
"""
import asyncio
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


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    result_path = sys.argv[2]
    notebook_path = request["notebook"]
    nb = nbformat.read(notebook_path, as_version=4)
    cells = {}
    started = {}
    clock = {"begin": time.monotonic(), "kernel_ready": None}

    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cells[index] = {"index": index, "status": "not-run", "stdout": "", "stderr": "",
                            "displays": [], "duration_s": 0.0}

    def on_notebook_start(notebook):
        clock["kernel_ready"] = time.monotonic()

    def on_cell_execute(cell, cell_index):
        started[cell_index] = time.monotonic()

    def on_cell_executed(cell, cell_index, execute_reply):
        entry = cells[cell_index]
        entry["duration_s"] = time.monotonic() - started.get(cell_index, time.monotonic())
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
            entry["stderr"] += "distlab: cell exceeded its %s s timeout and was interrupted\n" % request["cell_timeout_s"]

    async def on_cell_error(cell, cell_index, execute_reply):
        # tslab aborts requests for 200 ms after an error; wait it out before the next cell.
        await asyncio.sleep(ABORT_WINDOW_PAUSE_S)

    # Empty code cells are skipped by nbclient; they count as ok.
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and not cell.source.strip():
            cells[index]["status"] = "ok"

    def make_client():
        return NotebookClient(
            nb,
            kernel_name=request["kernel"],
            timeout=request["cell_timeout_s"],
            startup_timeout=request["startup_timeout_s"],
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "CellTimeoutError", "evalue": "cell timed out", "traceback": []},
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook_path))}},
            on_notebook_start=on_notebook_start,
            on_cell_execute=on_cell_execute,
            on_cell_executed=on_cell_executed,
            on_cell_error=on_cell_error,
        )

    error = None
    # A kernel that dies or hangs before its first cell (a port taken by another process between
    # Jupyter choosing it and the kernel binding it) is started again on fresh ports; a failure
    # once a cell has run is the notebook's and is reported as is.
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            make_client().execute()
            error = None
            break
        except Exception as failure:  # kernel death, startup failure: later cells stay "not-run"
            error = "%s: %s" % (type(failure).__name__, failure)
            if started:
                break
            if attempt == KERNEL_START_ATTEMPTS:
                error = "the tslab kernel did not start (%d attempts; last: %s)" % (attempt, error)
    end = time.monotonic()
    if request.get("output"):
        nbformat.write(nb, request["output"])
    kernel_ready = clock["kernel_ready"]
    result = {
        "kernel_start_s": None if kernel_ready is None else kernel_ready - clock["begin"],
        "duration_s": end - clock["begin"],
        "error": error,
        "cells": [cells[index] for index in sorted(cells)],
    }
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
