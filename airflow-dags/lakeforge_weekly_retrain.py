"""lakeforge_weekly_retrain: train every business model, promote only better ones, then re-score and publish.

``predict`` trains each spec of ``lakeforge.models.business``, evaluates it against its baseline and registers it;
a new version becomes champion only when its primary metric is no worse than the current champion's, and the
champion is what gets applied. The demand forecast (rolling-origin backtest included) is made here, then the
production plan from it, then everything is published.
"""
from datetime import timedelta

from lakeforge_common import lakeforge_dag, lakeforge_task  # builds airflow DAG objects

with lakeforge_dag(
    "lakeforge_weekly_retrain",
    "Lakeforge: retrain the business models, promote the better ones, plan production, publish",
    "0 8 * * 0",
    catchup=False,  # retraining for past weeks would train on today's data: only the latest week runs
    run_timeout=timedelta(hours=10),
    tags=("ml",),
    doc_md=__doc__,
) as dag:
    retrain = lakeforge_task("retrain_and_score", "predict", timeout=timedelta(hours=6), driver_memory="8g",
                             secrets=("lakeforge_metastore",))
    plan = lakeforge_task("plan", "plan", timeout=timedelta(hours=1))
    publish = lakeforge_task("publish", "publish", timeout=timedelta(hours=1),
                             secrets=("lakeforge_serving", "lakeforge_bi", "lakeforge_metastore"))

    docs = lakeforge_task("docs", "docs", timeout=timedelta(minutes=30))  # the data docs site, with the new models

    retrain >> plan >> publish >> docs
