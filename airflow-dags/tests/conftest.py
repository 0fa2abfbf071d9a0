"""Puts the Airflow stand-in and the DAG folder on the path, and gives the tests Lakeforge's own command-line spec."""
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DAGS = os.path.dirname(HERE)
PROJECT = os.path.dirname(DAGS)
sys.path[:0] = [os.path.join(HERE, "stubs"), DAGS, HERE]
os.environ.setdefault("LAKEFORGE_JVM_FLAGS_FILE", os.path.join(PROJECT, "bin", "jvm-flags.txt"))


def runnable_jar() -> str:
    jar = os.environ.get("LAKEFORGE_JAR")
    if jar:
        return jar
    found = sorted(glob.glob(os.path.join(PROJECT, "jobs", "target", "lakeforge-jobs-*-runnable.jar")))
    if not found:
        pytest.fail("no runnable jar: build it first (mvn -B package -DskipTests) or set LAKEFORGE_JAR")
    return found[-1]


@pytest.fixture(scope="session")
def cli_spec() -> dict:
    """`lakeforge cli-spec`: every command and its options, from the jar the DAGs submit."""
    java = shutil.which("java") or "java"
    out = subprocess.run([java, "-jar", runnable_jar(), "cli-spec"], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout[out.stdout.index("{"):])
