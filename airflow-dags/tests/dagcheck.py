"""Checks a DAG the way the tests need them: loading a DAG file, dependency order (cycles refused) and whether a task's
application arguments are a Lakeforge command line the CLI accepts."""
from __future__ import annotations

import importlib.util
import os
import uuid

import airflow


def load_dags(path: str) -> list:
    """Imports a DAG file as Airflow's DagBag would (a fresh module) and returns the DAGs it defines."""
    spec = importlib.util.spec_from_file_location("dag_" + uuid.uuid4().hex, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [v for v in vars(module).values() if isinstance(v, airflow.DAG)]


def topological_order(dag) -> list[str]:
    """Task ids in an order that respects every dependency; ValueError naming the tasks of a cycle."""
    indegree = {t.task_id: len(t.upstream_task_ids) for t in dag.tasks}
    for t in dag.tasks:
        for d in t.downstream_task_ids:
            if d not in dag.task_dict:
                raise ValueError(f"{t.task_id} points at unknown task {d}")
    ready = sorted(tid for tid, n in indegree.items() if n == 0)
    order = []
    while ready:
        tid = ready.pop(0)
        order.append(tid)
        for d in sorted(dag.task_dict[tid].downstream_task_ids):
            indegree[d] -= 1
            if indegree[d] == 0:
                ready.append(d)
    if len(order) != len(indegree):
        raise ValueError(f"cycle in DAG {dag.dag_id} among {sorted(set(indegree) - set(order))}")
    return order


def command_line_problems(args: list[str], spec: dict) -> list[str]:
    """What is wrong with a Lakeforge command line (empty when the CLI would accept its shape)."""
    if not args:
        return ["no command"]
    command, rest = args[0], args[1:]
    commands = spec["commands"]
    if command not in commands:
        return [f"unknown command {command!r}; commands: {sorted(commands)}"]
    options = {}
    for o in commands[command]["options"]:
        for name in o["names"]:
            options[name] = o
    problems = []
    positional = 0
    seen = set()
    i = 0
    while i < len(rest):
        token = rest[i]
        if token.startswith("-") and not token.startswith("{{"):
            name, _, inline = token.partition("=")
            o = options.get(name)
            if o is None:
                problems.append(f"{command}: unknown option {name}")
            else:
                if name in seen and not o["repeatable"]:
                    problems.append(f"{command}: option {name} given twice")
                seen.add(name)
                if o["takes_value"] and not inline:
                    if i + 1 >= len(rest) or (rest[i + 1].startswith("--") and not rest[i + 1].startswith("{{")):
                        problems.append(f"{command}: option {name} needs a value")
                    else:
                        value = rest[i + 1]
                        if o["choices"] and not value.startswith("{{") and value not in o["choices"]:
                            problems.append(f"{command}: {name} {value!r} is not one of {o['choices']}")
                        i += 1
                elif not o["takes_value"] and inline:
                    problems.append(f"{command}: option {name} takes no value")
        else:
            positional += 1
        i += 1
    p = commands[command]["positional"]
    if positional < p["min"] or (p["max"] >= 0 and positional > p["max"]):
        problems.append(f"{command}: {positional} positional argument(s), expected {p['min']} to {p['max'] if p['max'] >= 0 else 'any'}")
    for o in commands[command]["options"]:
        if o["required"] and not any(n in seen for n in o["names"]):
            problems.append(f"{command}: required option {o['names'][0]} missing")
    return problems


def dag_files() -> list[str]:
    folder = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.startswith("lakeforge_") and f.endswith(".py")
                  and f != "lakeforge_common.py")
