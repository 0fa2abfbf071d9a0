"""Executes every notebook in this folder headless, in order, against the lakehouse the project points at, and fails
on the first cell error. The notebooks in the repository stay without outputs (checked here too); `--out DIR` keeps
executed copies. Needs Debian's python3-nbclient, python3-ipykernel, python3-pandas, python3-matplotlib.

    /usr/bin/python3 notebooks/run_notebooks.py [--out DIR] [NOTEBOOK …]
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent


def committed_without_outputs(nb, name):
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    if dirty:
        raise SystemExit(f"{name}: cells {dirty} hold outputs; clear them before committing (Kernel → Restart & Clear Output)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, help="folder for the executed notebooks")
    p.add_argument("--timeout", type=int, default=1800, help="seconds a cell may take (default 1800)")
    p.add_argument("notebooks", nargs="*", type=Path)
    a = p.parse_args()
    notebooks = a.notebooks or sorted(HERE.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit("no notebooks found in " + str(HERE))
    total = 0.0
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        committed_without_outputs(nb, path.name)
        t0 = time.monotonic()
        client = NotebookClient(nb, timeout=a.timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
        except CellExecutionError as e:
            print(f"FAILED {path.name} after {time.monotonic() - t0:.1f} s:\n{e}", file=sys.stderr)
            if a.out:
                a.out.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, a.out / path.name)
            return 1
        took = time.monotonic() - t0
        total += took
        cells = sum(1 for c in nb.cells if c.cell_type == "code")
        print(f"ok {path.name}: {cells} code cells in {took:.1f} s", flush=True)
        if a.out:
            a.out.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, a.out / path.name)
    print(f"{len(notebooks)} notebooks ran in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
