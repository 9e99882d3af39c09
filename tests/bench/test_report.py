"""The benchmark driver's pure parts: percentiles, ratios, crisis rates, targets and the report.

No timing here: the figures are made up, the arithmetic and the wording are what is checked.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import percentiles
from bench.nlu_quality import crisis_rates
from bench.report import PLOTS, ratio, ratios, render, targets, write_plots


def level(n: int, p50: float, p95: float, per_s: float, errors: int = 0) -> dict:
    return {"concurrency": n, "turns": 100, "errors": errors, "error_kinds": [],
            "turn_ms": {"p50": p50, "p95": p95, "p99": round(p95 * 1.1, 1), "max": round(p95 * 1.2, 1)}, "turns_per_s": per_s}


def results(veiviser_p95_at_1: float = 60.0, veiviser_per_s_at_10: float = 20.0) -> dict:
    bots = {
        "veiviser": [level(1, 40, veiviser_p95_at_1, 22), level(10, 300, 700, veiviser_per_s_at_10)],
        "rasa-init": [level(1, 41, 63, 23), level(10, 400, 880, 15)],
        "floor": [level(1, 35, 55, 27), level(10, 280, 650, 21)],
    }
    return {
        "machine": {"cpus": 2, "cpu": "Test CPU", "memory_gb": 8.0, "system": "Linux", "python": "3.10",
                    "load_average_start": [0.5, 0.5, 0.5], "load_average_end": [1.0, 1.0, 1.0]},
        "started": "2026-12-01T20:00:00+00:00", "seconds": 900,
        "training": {"veiviser": {"train_s": 150.0, "model_mb": 23.4}, "rasa-init": {"train_s": 80.0, "model_mb": 23.8},
                     "floor": {"train_s": 20.0, "model_mb": 0.4}},
        "turns": {"levels": [1, 10], "bots": bots, "ratios": ratios(bots),
                  "rss_mb_at_rest": {"veiviser": {"rasa server": 700}}, "rss_mb_peak_last_level": {"veiviser": {"rasa server": 750}}},
        "breakdown": {"turns": 52, "turn_ms": {"p50": 45, "mean": 50}, "nlu_ms": {"p50": 10, "mean": 11},
                      "actions_ms": {"p50": 12, "mean": 20}, "rest_ms": {"p50": 15, "mean": 19},
                      "by_action": {"action_find_services": {"p50_ms": 9.0, "calls_per_turn": 0.5}},
                      "catalogue_search_ms": {"p50": 3.0, "p95": 5.0}, "searches_per_turn": 0.5, "catalogue_ms_per_turn": 1.5},
        "search": {"error": "RuntimeError: the 1M build ran out of disk"},
        "nlu": {"error": "CalledProcessError: rasa test nlu failed"},
    }


def test_percentiles_of_a_known_list():
    figures = percentiles([float(ms) for ms in range(1, 101)])
    assert figures["p50"] == pytest.approx(50.5)
    assert figures["p95"] == pytest.approx(95.05, abs=0.1)
    assert figures["max"] == 100.0
    assert percentiles([]) == {}


def test_ratio_is_rounded_and_undefined_without_a_reference():
    assert ratio(30.0, 20.0) == 1.5
    assert ratio(30.0, 0.0) is None
    assert ratio(None, 20.0) is None


def test_ratios_compare_veiviser_with_each_reference_per_level():
    rows = results()["turns"]["ratios"]
    assert [row["concurrency"] for row in rows] == [1, 10]
    assert rows[1]["p95_vs_rasa-init"] == round(700 / 880, 2)
    assert rows[1]["turns_per_s_vs_floor"] == round(20 / 21, 2)


def test_crisis_rates_count_any_crisis_intent_as_caught():
    pairs = [("crisis_overdose", "crisis_suicidal"), ("crisis_suicidal", "greet"),
             ("greet", "greet"), ("greet", "crisis_overdose"), ("deny", "deny"), ("affirm", None)]
    rates = crisis_rates(pairs)
    assert (rates["caught"], rates["crises"], rates["recall"]) == (1, 2, 0.5)
    assert (rates["false_alarms"], rates["others"], rates["false_alarm_rate"]) == (1, 4, 0.25)


def test_targets_met_when_veiviser_beats_the_default_bot():
    met = {t["target"]: t["met"] for t in targets(results())}
    assert met["throughput at least the default bot's (under load)"] is True
    assert met["p95 at 10 concurrent no worse than the default bot's"] is True
    assert met["one at a time p95 under 100 ms"] is True


def test_a_missed_target_names_the_measured_cause():
    rows = {t["target"]: t for t in targets(results(veiviser_p95_at_1=140.0, veiviser_per_s_at_10=10.0))}
    missed = rows["one at a time p95 under 100 ms"]
    assert missed["met"] is False and missed["measured"] == "140.0 ms"
    assert "NLU pipeline 11 ms" in missed["cause"] and "catalogue search 1.5 ms" in missed["cause"]
    assert rows["throughput at least the default bot's (under load)"]["met"] is False


def test_report_renders_every_part_and_says_what_was_not_measured(tmp_path: Path):
    report = render(results(), images="../bench/results/")
    assert "2 CPUs (Test CPU), 8.0 GB memory" in report
    assert "| 10 | Veiviser | 100 | 0 | 300 | 700 | 770.0 | 20.0 |" in report
    assert "Not measured: RuntimeError: the 1M build ran out of disk" in report
    assert "Not measured: CalledProcessError" in report
    assert "![breakdown](../bench/results/breakdown.png)" in report
    written = write_plots(results(), tmp_path)
    assert sorted(p.name for p in written) == sorted(PLOTS[:3])  # no search plot: the search failed
    assert all(p.stat().st_size > 1000 for p in written)


def search_row(services: int, **extra) -> dict:
    setup = {"search_ms": {"p50": 2.0, "p95": 4.0}, "speedup_p95": 1000.0}
    return {"services": services, "queries": 1000, "setups": {"as_db_py": setup}, "baseline_ms": {"p50": 9.0, "p95": 12.0},
            "bulk_load": {"services_per_s": 3900}, "hsds_import_services_per_s": 200, "snapshot_build_s": 4.0,
            "baseline_queries": 1, "when": "2026-12-01T23:20:00+01:00", **extra}


def test_a_size_measured_by_its_own_command_says_so_and_when():
    figures = {**results(), "search": [search_row(100_000), search_row(1_000_000, separate_command="bench/search.py --services 1000000")]}
    report = render(figures, images="")
    assert "| 100,000 | 1000 |" in report
    assert "| 1,000,000 (own run, 2026-12-01T23:20:00+01:00) | 1000 |" in report
    assert "measured by `.venv/bin/python bench/search.py --services 1000000` (1 full-scan query)" in report
