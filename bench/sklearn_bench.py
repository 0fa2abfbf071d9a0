#!/usr/bin/python3
"""scikit-learn side of `lakeforge bench-ml` (dev.lakeforge.bench.MlBenchmark runs it, one process per model and size).

Reads one of the benchmark's CSV files (columns as dev.lakeforge.bench.MlDataSet writes them, `is_test` marking the
held-out rows), trains the scikit-learn model that matches a Lakeforge family with the hyper-parameters the Spark
model was trained with (--params, Spark parameter names), evaluates it the way Lakeforge does and prints one JSON
object on stdout:

  {"family", "model", "versions", "rows_train", "rows_test", "load_s", "fit_s", "eval_s", "cpu_s",
   "rss_after_load_mb", "peak_rss_mb", "metrics": {...}, "process_cpu_s"}

fit_s + eval_s is what is compared with Spark's train time; cpu_s is the CPU time of this process (all threads)
during fit and evaluation; peak_rss_mb is the process's peak resident memory (VmHWM: interpreter, libraries and data included).

Run it with Debian's interpreter: /usr/bin/python3 (packages python3-sklearn, python3-pandas, python3-numpy).
"""
import argparse
import json
import math
import resource
import sys
import time
import warnings

FAMILIES = ("linear", "random-forest", "gbt", "logistic", "kmeans")

try:
    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestRegressor
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import ElasticNet, LinearRegression, LogisticRegression
    from sklearn.metrics import (accuracy_score, adjusted_rand_score, log_loss, mean_absolute_error, mean_squared_error,
                                 r2_score, roc_auc_score)
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
except ImportError as e:  # the Java side turns exit code 3 into an install hint
    print(f"sklearn_bench.py: {e}. Install Debian's packages: apt-get install -y python3-sklearn python3-pandas",
          file=sys.stderr)
    sys.exit(3)


def peak_rss_mb():
    """Peak resident memory of this process. Linux's VmHWM starts afresh at exec; ru_maxrss does not (it can carry the
    peak of the parent that forked the process, here a JVM), so it is only the fallback."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def columns(family):
    if family in ("linear", "random-forest"):
        return [f"x{i}" for i in range(10)], "y"
    if family in ("gbt", "logistic"):
        return [f"x{i}" for i in range(10)], "label"
    return [f"f{i}" for i in range(8)], "blob"


def model(family, p, jobs, n_features):
    """The scikit-learn estimator matching the Spark model trained with parameters p (Spark names)."""
    seed = int(p.get("seed", 42))
    if family == "linear":
        reg = float(p.get("regParam", 0.0))
        if reg == 0.0:
            return LinearRegression()
        # Spark's elastic net on standardised features; scikit-learn's objective is the same up to scaling
        return make_pipeline(StandardScaler(), ElasticNet(alpha=reg, l1_ratio=float(p.get("elasticNetParam", 0.0)),
                                                          max_iter=int(p.get("maxIter", 100))))
    if family == "random-forest":
        strategy = str(p.get("featureSubsetStrategy", "auto"))
        per_split = {"auto": math.ceil(n_features / 3), "onethird": math.ceil(n_features / 3), "all": n_features,
                     "sqrt": math.ceil(math.sqrt(n_features)), "log2": math.ceil(math.log2(n_features))}.get(strategy)
        if per_split is None:
            per_split = float(strategy) if "." in strategy else int(strategy)
        rate = float(p.get("subsamplingRate", 1.0))
        return RandomForestRegressor(n_estimators=int(p.get("numTrees", 20)), max_depth=int(p.get("maxDepth", 5)),
                                     max_features=per_split, min_samples_leaf=int(p.get("minInstancesPerNode", 1)),
                                     bootstrap=True, max_samples=None if rate >= 1.0 else rate, n_jobs=jobs,
                                     random_state=seed)
    if family == "gbt":
        return HistGradientBoostingClassifier(max_iter=int(p.get("maxIter", 20)), max_depth=int(p.get("maxDepth", 5)),
                                              learning_rate=float(p.get("stepSize", 0.1)), max_leaf_nodes=None,
                                              max_bins=min(255, int(p.get("maxBins", 32))),
                                              min_samples_leaf=int(p.get("minInstancesPerNode", 1)),
                                              l2_regularization=0.0, early_stopping=False, random_state=seed)
    if family == "logistic":
        reg = float(p.get("regParam", 0.0))
        mix = float(p.get("elasticNetParam", 0.0))
        if reg == 0.0:
            lr = LogisticRegression(penalty=None, max_iter=int(p.get("maxIter", 100)), tol=float(p.get("tol", 1e-6)))
        else:
            lr = LogisticRegression(penalty="elasticnet", solver="saga", l1_ratio=mix, C=1.0 / reg,
                                    max_iter=int(p.get("maxIter", 100)))
        return make_pipeline(StandardScaler(), lr)
    if family == "kmeans":
        return make_pipeline(StandardScaler(with_mean=False),
                             KMeans(n_clusters=int(p.get("k", 2)), init="k-means++", n_init=1,
                                    max_iter=int(p.get("maxIter", 20)), tol=float(p.get("tol", 1e-4)),
                                    random_state=seed))
    raise ValueError(family)


def squared_euclidean_silhouette(x, labels):
    """The silhouette as Spark's ClusteringEvaluator computes it (squared Euclidean distances, from per-cluster sums:
    O(n k d), where scikit-learn's silhouette_score is O(n^2))."""
    ks = np.unique(labels)
    sums = np.stack([x[labels == k].sum(axis=0) for k in ks])
    sq = np.array([(x[labels == k] ** 2).sum() for k in ks])
    counts = np.array([(labels == k).sum() for k in ks], dtype=float)
    index = np.searchsorted(ks, labels)
    total = 0.0
    for start in range(0, len(x), 200_000):
        xb = x[start:start + 200_000]
        ib = index[start:start + 200_000]
        norms = (xb ** 2).sum(axis=1)
        # mean squared distance of each point to every cluster: |x|^2 - 2 x.mean + mean of |y|^2
        dist = norms[:, None] - 2.0 * (xb @ sums.T) / counts[None, :] + (sq / counts)[None, :]
        own_n = counts[ib]
        own = dist[np.arange(len(xb)), ib] * own_n / np.maximum(own_n - 1.0, 1.0)
        dist[np.arange(len(xb)), ib] = np.inf
        other = dist.min(axis=1)
        s = np.where(own < other, 1.0 - own / other, np.where(own > other, other / own - 1.0, 0.0))
        s = np.where(own_n <= 1, 0.0, s)
        total += s.sum()
    return total / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", required=True, choices=FAMILIES)
    ap.add_argument("--data", required=True, help="CSV file written by dev.lakeforge.bench.MlDataGenerator")
    ap.add_argument("--params", default="{}", help="the Spark model's parameters as JSON (Spark names)")
    ap.add_argument("--jobs", type=int, default=2, help="threads for models that take n_jobs")
    a = ap.parse_args()
    params = json.loads(a.params)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    t0 = time.perf_counter()
    features, target = columns(a.family)
    dtypes = {c: np.float64 for c in features}
    dtypes[target] = np.float64 if target == "y" else np.int32
    dtypes["is_test"] = np.int8
    df = pd.read_csv(a.data, dtype=dtypes, engine="c")
    x = df[features].to_numpy(dtype=np.float64)
    y = df[target].to_numpy()
    test = df["is_test"].to_numpy() == 1
    del df
    load_s = time.perf_counter() - t0
    rss_after_load = peak_rss_mb()

    est = model(a.family, params, a.jobs, len(features))
    cpu0 = time.process_time()
    t1 = time.perf_counter()
    metrics = {}
    if a.family == "kmeans":
        # as Lakeforge: trained on all rows, silhouette on the standardised features it clustered
        est.fit(x)
        fit_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        labels = est.predict(x)
        scaled = est[0].transform(x)
        metrics["silhouette"] = squared_euclidean_silhouette(scaled, labels)
        eval_s = time.perf_counter() - t2
        rows_train, rows_test = len(x), 0
    else:
        xtr, ytr, xte, yte = x[~test], y[~test], x[test], y[test]
        est.fit(xtr, ytr)
        fit_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        if a.family in ("linear", "random-forest"):
            pred = est.predict(xte)
            metrics["rmse"] = float(np.sqrt(mean_squared_error(yte, pred)))
            metrics["mae"] = float(mean_absolute_error(yte, pred))
            metrics["r2"] = float(r2_score(yte, pred))
        else:
            prob = est.predict_proba(xte)[:, 1]
            metrics["auc"] = float(roc_auc_score(yte, prob))
            metrics["accuracy"] = float(accuracy_score(yte, prob >= 0.5))
            metrics["log_loss"] = float(log_loss(yte, prob))
        eval_s = time.perf_counter() - t2
        rows_train, rows_test = int((~test).sum()), int(test.sum())
    cpu_s = time.process_time() - cpu0
    if a.family == "kmeans":  # against the true blobs; not timed
        metrics["ari"] = float(adjusted_rand_score(y, labels))
    final = est[-1] if hasattr(est, "steps") else est
    extra = {}
    if hasattr(final, "n_iter_"):
        n_iter = np.max(final.n_iter_) if hasattr(final.n_iter_, "__len__") else final.n_iter_
        extra["n_iter"] = int(n_iter)
    print(json.dumps({
        "family": a.family,
        "model": " ".join(repr(est).split()),
        "versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__, "numpy": np.__version__,
                     "pandas": pd.__version__},
        "rows_train": rows_train, "rows_test": rows_test,
        "load_s": load_s, "fit_s": fit_s, "eval_s": eval_s, "cpu_s": cpu_s,
        "rss_after_load_mb": rss_after_load, "peak_rss_mb": peak_rss_mb(),
        "metrics": metrics, "process_cpu_s": time.process_time(), **extra,
    }))


if __name__ == "__main__":
    main()
