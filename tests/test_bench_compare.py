"""`agentdesk bench --compare OLD.json`: figures by stable keys, each beside a saved run's
with the ratio; a file that is not a saved run is one clear line."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_support import clean_env

from agentdesk.cli.bench_compare import compare, flatten

OLD = {
    "cache": {"tickets": 100, "messages": 900, "runs": 3},
    "queries": [
        {"name": "search: refund", "median_ms": 2.0, "p90_ms": 3.0, "max_ms": 4.0, "rows": 50},
        {"name": "counts of all views", "median_ms": 0.1, "p90_ms": 0.1, "max_ms": 0.2, "rows": 18},
    ],
    "console": {
        "first_paint_ms": 600,
        "j_latency_ms": {"p50": 4.0, "p99": 16.0},
        "bytes_per_j": [500, 13000],
    },
}


def test_figures_have_stable_keys_and_cache_sizes_are_not_figures():
    keys = flatten(OLD)
    assert keys["queries.search: refund.median_ms"] == 2.0
    assert keys["console.j_latency_ms.p99"] == 16.0
    assert keys["console.first_paint_ms"] == 600.0
    assert not any(k.endswith((".rows", ".tickets", ".messages", ".runs")) for k in keys)


def test_each_figure_is_set_beside_the_saved_one_with_the_ratio():
    new = json.loads(json.dumps(OLD))
    new["queries"][0]["median_ms"] = 3.0
    new["console"]["first_paint_ms"] = 300
    del new["queries"][1]
    rows = {key: (old, now, ratio) for key, old, now, ratio in compare(OLD, new)}
    assert rows["queries.search: refund.median_ms"] == (2.0, 3.0, 1.5)
    assert rows["console.first_paint_ms"] == (600.0, 300.0, 0.5)
    assert rows["queries.counts of all views.median_ms"] == (0.1, None, None)


def test_a_file_that_is_not_a_saved_run_is_one_clear_line(tmp_path):
    bad = tmp_path / "old.json"
    bad.write_text('{"not": "a bench"}')
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "agentdesk",
            "--data-dir",
            str(tmp_path / "d"),
            "bench",
            "--compare",
            str(bad),
        ],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert r.stderr.strip() == f"agentdesk: {bad}: not a saved bench run (no queries)"
