"""lakeforge_daily: one run per landing date — ingest → refine → quality gate → features → score → publish.

The logical date is the landing batch (``data/<yyyy-mm-dd>/``) the run loads. Runs never overlap
(``max_active_runs=1``: silver and gold are built in date order) and catch up in order after a pause; a backfill of
an earlier date is safe because every job is idempotent per run date. The quality gate stops the run before
anything reads a silver table that refused too many rows; scoring applies the registered champions
(``lakeforge_weekly_retrain`` trains them and makes the demand forecast and the production plan).
"""
from datetime import timedelta

from lakeforge_common import lakeforge_dag, lakeforge_task  # builds airflow DAG objects

with lakeforge_dag(
    "lakeforge_daily",
    "Lakeforge: landing files to published result tables, one run per landing date",
    "0 5 * * *",
    catchup=True,
    run_timeout=timedelta(hours=8),
    doc_md=__doc__,
) as dag:
    ingest = lakeforge_task("ingest", "ingest", timeout=timedelta(hours=2))
    refine = lakeforge_task("refine", "refine", timeout=timedelta(hours=3))
    quality_gate = lakeforge_task("quality_gate", "quality-gate", "--max-failed-share", "0.05", timeout=timedelta(minutes=30),
                                  retries=0)  # a failed gate is a data problem: retrying will not fix it
    features = lakeforge_task("features", "marts", timeout=timedelta(hours=2))
    score = lakeforge_task("score", "predict", "--apply-only", timeout=timedelta(hours=2),
                           secrets=("lakeforge_metastore",))
    publish = lakeforge_task("publish", "publish", timeout=timedelta(hours=1),
                             secrets=("lakeforge_serving", "lakeforge_bi", "lakeforge_metastore"))

    docs = lakeforge_task("docs", "docs", timeout=timedelta(minutes=30))  # the data docs site (lakeforge.docs.out)

    ingest >> refine >> quality_gate >> features >> score >> publish >> docs
