"""Small helpers the Lakeforge notebooks share: where the project and the lakehouse are, Spark SQL over the lakehouse
through one `lakeforge sql --session` into pandas, the serving database into pandas, and running any other Lakeforge command.

The lakehouse is the one the project's configuration points at (`./lakehouse` by default); set LAKEFORGE_HOME to use
another checkout and LAKEFORGE_LAKEHOUSE_ROOT to use another lakehouse. On a real cluster, use PySpark instead of
`sql()`: start a session with the Delta extension and the same metastore (see the notebooks' notes) and read
`spark.table("gold.sales_daily")` — `lakeforge sql` is the no-install path for a laptop or a CI machine.
"""
from __future__ import annotations

import atexit
import io
import json
import os
import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pandas as pd


def project() -> Path:
    """The Lakeforge checkout: LAKEFORGE_HOME, else the first folder up from here that holds bin/lakeforge."""
    home = os.environ.get("LAKEFORGE_HOME")
    if home:
        return Path(home)
    here = Path.cwd().resolve()
    for p in [here, *here.parents]:
        if (p / "bin" / "lakeforge").exists():
            return p
    raise FileNotFoundError("no Lakeforge checkout above " + str(here) + "; set LAKEFORGE_HOME")


def lakehouse() -> Path:
    root = os.environ.get("LAKEFORGE_LAKEHOUSE_ROOT")
    return Path(root) if root else project() / "lakehouse"


def lakeforge(*args: str, check: bool = True, timeout: int = 1800) -> str:
    """Runs `bin/lakeforge <args>` and returns what it printed (log lines included)."""
    cmd = [str(project() / "bin" / "lakeforge"), *args]
    done = subprocess.run(cmd, cwd=project(), capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"lakeforge {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


class SqlSession:
    """One `lakeforge sql --session` process: Spark starts once (some 20 s), then every query answers in about a
    second. Requests and answers are one JSON line each; the process's log goes to a temporary file, shown when it
    ends unexpectedly. Closed when Python exits, or with close()."""

    def __init__(self):
        self._log = tempfile.TemporaryFile(mode="w+", prefix="lakeforge-sql-")
        self._proc = subprocess.Popen([str(project() / "bin" / "lakeforge"), "sql", "--session"], cwd=project(),
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
                                      encoding="utf-8", bufsize=1)
        atexit.register(self.close)

    def alive(self) -> bool:
        return self._proc.poll() is None

    def query(self, query: str, limit: int) -> pd.DataFrame:
        try:
            self._proc.stdin.write(json.dumps({"sql": query, "limit": limit}) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            self._proc.wait(timeout=60)
            self._log.seek(0)
            raise RuntimeError(f"lakeforge sql --session ended (exit {self._proc.returncode}):\n{self._log.read()[-3000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise ValueError(answer["error"])
        return pd.DataFrame(answer["rows"], columns=answer["columns"])

    def close(self):
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._log.close()


_session = None


def sql(query: str, limit: int = 10000) -> pd.DataFrame:
    """A read-only Spark SQL query over the catalog and the lakehouse (any layer.table), as a DataFrame; all queries
    of a notebook share one `lakeforge sql --session` (started by the first, started again if it has ended)."""
    global _session
    if _session is None or not _session.alive():
        _session = SqlSession()
    return _session.query(query, limit)


def serving() -> sqlite3.Connection:
    """The serving database the BI tools read (the embedded SQLite file), opened read-only.

    In production it is PostgreSQL: `pd.read_sql(query, sqlalchemy.create_engine("postgresql://lakeforge_bi:…@host/db"))`
    with the read-only role, schema `bi`.
    """
    db = lakehouse() / "serving" / "lakeforge.db"
    if not db.exists():
        raise FileNotFoundError(f"{db} does not exist yet: run `bin/lakeforge pipeline` (or `bin/lakeforge publish`) first")
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def read_serving(query: str) -> pd.DataFrame:
    with serving() as c:
        return pd.read_sql_query(query, c)


def markdown_table(text: str, heading: str) -> pd.DataFrame:
    """The first Markdown table under a heading of a model card, as a DataFrame."""
    part = text.split(heading, 1)[1] if heading in text else ""
    lines = []
    for line in part.splitlines():
        if line.startswith("|"):
            lines.append(line)
        elif lines:
            break  # the table ended
    if len(lines) < 2:
        return pd.DataFrame()
    header = [h.strip() for h in lines[0].strip("|").split("|")]
    body = [[c.strip() for c in l.strip("|").split("|")] for l in lines[2:] if not re.match(r"^\|[-:| ]+\|$", l)]
    body = [r for r in body if len(r) == len(header)]
    df = pd.read_csv(io.StringIO("\n".join(["\t".join(header)] + ["\t".join(r) for r in body])), sep="\t")
    return df
