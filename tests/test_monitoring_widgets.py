"""The chapter's plan chooser: the browser chart shows what Python computes, and so does the live twin."""

from __future__ import annotations

import re

import pytest

from alexandra import inference, published, trial, widgets


def spec() -> dict[str, object]:
    return widgets.monitoring_chart().to_dict()


def key_of(spending: str, rule: str, binding: str, params: dict[str, dict[str, object]]) -> int:
    """The chart's row key for a choice, computed from the drop-downs' option lists as its expression does."""
    options = {name: params[name]["bind"]["options"] for name in ("gs_spending", "gs_rule", "gs_binding")}  # type: ignore[index]
    rules, bindings = options["gs_rule"], options["gs_binding"]
    return (options["gs_spending"].index(spending) * len(rules) + rules.index(rule)) * len(bindings) + bindings.index(
        binding
    )


def test_the_key_expression_matches_the_python_formula() -> None:
    params = {param["name"]: param for param in spec()["params"]}  # type: ignore[attr-defined]
    expression = params["gs_key"]["expr"]
    counts = re.findall(r"\* (\d+)", expression)
    assert counts == [str(len(widgets.monitoring_futility_rules())), str(len(widgets.MONITORING_BINDING))]
    assert key_of("pocock", "HR > 1", "binding", params) == 8 * 2 + 1 * 2 + 1


def test_readouts_in_the_chart_are_the_python_lines() -> None:
    chart = spec()
    params = {param["name"]: param for param in chart["params"]}  # type: ignore[attr-defined]
    datasets = chart["datasets"]  # type: ignore[index]
    readouts = next(rows for rows in datasets.values() if rows and "text" in rows[0])  # type: ignore[union-attr]
    for choice in [("obrien-fleming", "HR > 1", "non-binding"), ("pocock", "CP < 20%, current trend", "binding")]:
        key = key_of(*choice, params)
        shown = [row["text"] for row in sorted(readouts, key=lambda row: row["line"]) if row["key"] == key]
        assert shown == widgets.monitoring_readout_lines(*choice)


def test_chart_fits_its_container() -> None:
    assert spec()["width"] == "container"


def test_operating_table_agrees_with_the_module() -> None:
    table = widgets.monitoring_operating_table()
    plan = widgets.monitoring_plan("obrien-fleming", "HR > 1", "non-binding")
    row = table[(table.key == 2) & (table.true_hr == 0.9)].iloc[0]  # (obrien-fleming, HR > 1, non-binding)
    result = inference.operating_characteristics(plan, 0.9)
    assert row.success == pytest.approx(result.reject, abs=1e-5)
    assert row.futility == pytest.approx(result.stop_futility, abs=1e-5)


def test_plans_use_alexandras_numbers() -> None:
    plan = widgets.monitoring_plan("obrien-fleming", "HR > 1", "non-binding")
    assert plan.interim_events == trial.alexandra_interim_events()
    assert plan.planned_events == published.get("idfs_events_planned").number
    assert plan.futility_hr == pytest.approx(published.get("futility_boundary_hr").number)
    assert widgets.monitoring_plan("pocock", "none", "binding").futility_z is None


def test_a_stricter_rule_costs_power() -> None:
    lines = widgets.monitoring_readout_lines("obrien-fleming", "CP < 20%, current trend", "non-binding")
    power = re.search(r"Power at HR [0-9.]+: ([0-9.]+)% \(no futility rule ([0-9.]+)%\)", lines[5])
    assert power is not None and float(power.group(1)) < float(power.group(2))


def test_live_twin_shows_the_same_lines() -> None:
    box = widgets.monitoring_live()
    spending, rule, binding, output = box.children
    rule.value = "PP < 10%, flat prior"
    binding.value = "binding"
    assert output.value == "<br>".join(widgets.monitoring_readout_lines(spending.value, rule.value, binding.value))
