"""Tests of ivp_analysis.covid.phases: the shipped phase table, its checks, month -> phase."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis.covid import phases


def _table(rows):
    return pd.DataFrame(
        {
            "phase_id": [r[0] for r in rows],
            "kind": [r[3] if len(r) > 3 else "lockdown" for r in rows],
            "start": pd.to_datetime([r[1] for r in rows]),
            "end": pd.to_datetime([r[2] for r in rows]),
            "label": [r[0] for r in rows],
        }
    )


def test_shipped_phase_table_is_sound_and_matches_methods(phase_table):
    assert phases.check_phases(phase_table) == []
    assert (phase_table["end"] >= phase_table["start"]).all()
    assert phase_table["start"].is_monotonic_increasing
    # no hole: every phase starts the day after the previous one ends
    gaps = (
        phase_table["start"].iloc[1:].to_numpy() - phase_table["end"].iloc[:-1].to_numpy()
    ) / np.timedelta64(1, "D")
    assert (gaps == 1).all()
    # the dates of docs/methods.md section 2 are the phase starts (15 March and 1 June fall inside
    # "eerste maatregelen" and start "versoepeling zomer 2020"; 25 February 2022 ends the table)
    starts = {d.date().isoformat() for d in phase_table["start"]}
    assert starts == {
        "2020-03-12",
        "2020-03-23",
        "2020-05-11",
        "2020-06-01",
        "2020-10-14",
        "2020-12-15",
        "2021-01-23",
        "2021-04-28",
        "2021-11-28",
        "2021-12-19",
        "2022-01-15",
    }
    assert phase_table["end"].iloc[-1] == pd.Timestamp(
        "2022-02-24"
    )  # the day before 25 February 2022
    # periods without a lockdown are explicit phase_table, not gaps
    relax = phase_table[phase_table["kind"] == "versoepeling"]
    assert {"versoepeling_zomer_2020", "versoepeling_2021"} <= set(relax["phase_id"])
    assert set(phase_table["kind"]) <= set(phases.PHASE_KINDS)
    assert (
        phase_table["source"].str.len().min() > 0 and phase_table["description"].str.len().min() > 0
    )


def test_check_phases_finds_each_kind_of_error():
    assert (
        phases.check_phases(
            _table([("a", "2020-03-01", "2020-03-10"), ("b", "2020-03-11", "2020-03-20")])
        )
        == []
    )
    assert (
        "ends (2020-03-01) before it starts"
        in phases.check_phases(_table([("a", "2020-03-10", "2020-03-01")]))[0]
    )
    gap = phases.check_phases(
        _table([("a", "2020-03-01", "2020-03-10"), ("b", "2020-03-13", "2020-03-20")])
    )
    assert gap == ["gap of 2 days between a (ends 2020-03-10) and b (starts 2020-03-13)"]
    overlap = phases.check_phases(
        _table([("a", "2020-03-01", "2020-03-10"), ("b", "2020-03-09", "2020-03-20")])
    )
    assert overlap == ["b overlaps a by 2 days"]
    order = phases.check_phases(
        _table([("a", "2020-04-01", "2020-04-10"), ("b", "2020-03-01", "2020-03-20")])
    )
    assert "not in order" in order[0]
    dup = phases.check_phases(
        _table([("a", "2020-03-01", "2020-03-10"), ("a", "2020-03-11", "2020-03-20")])
    )
    assert "duplicate" in dup[0]
    kind = phases.check_phases(_table([("a", "2020-03-01", "2020-03-10", "zomer")]))
    assert "unknown kind" in kind[0]


def test_load_phases_rejects_a_bad_file(tmp_path):
    f = tmp_path / "phases.csv"
    f.write_text(
        "phase_id,label,start,end,kind,description,source\n"
        "a,A,2020-05-10,2020-03-23,lockdown,x,y\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="ends .* before it starts"):
        phases.load_phases(f)


def test_month_phase_takes_the_phase_with_most_days(phase_table):
    months = pd.PeriodIndex(
        [
            "2020-02",
            "2020-03",
            "2020-04",
            "2020-05",
            "2020-10",
            "2020-12",
            "2021-01",
            "2021-04",
            "2021-11",
            "2021-12",
            "2022-01",
            "2022-02",
            "2022-03",
        ],
        freq="M",
    )
    got = phases.month_phase(months, phase_table).tolist()
    # worked by hand from the dates: March 2020 has 11 days of first measures (12-22) and 9 of
    # lockdown (23-31); May 10 lockdown / 21 relaxation; October 13 summer / 18 partial;
    # December 14 partial / 17 strict; January 2021 22 strict / 9 curfew; April 2021 27 curfew /
    # 3 relaxation; November 2021 27 relaxation / 3 evening lockdown; December 2021 18 evening /
    # 13 omicron; January 2022 14 omicron / 17 reopening; February 2022 24 reopening.
    assert got == [
        "",
        "eerste_maatregelen",
        "intelligente_lockdown",
        "eerste_versoepeling",
        "gedeeltelijke_lockdown",
        "strenge_lockdown",
        "strenge_lockdown",
        "avondklok",
        "versoepeling_2021",
        "avondlockdown",
        "heropening_2022",
        "heropening_2022",
        "",
    ]
    days = phases.phase_days(pd.PeriodIndex(["2020-03", "2022-02"], freq="M"), phase_table)
    assert days.loc[pd.Period("2020-03", "M"), "eerste_maatregelen"] == 11
    assert days.loc[pd.Period("2020-03", "M"), "intelligente_lockdown"] == 9
    assert days.loc[pd.Period("2022-02", "M")].sum() == 24


def test_month_phase_tie_goes_to_the_later_phase():
    # June has 30 days: 15 and 15
    t = _table([("early", "2021-06-01", "2021-06-15"), ("late", "2021-06-16", "2021-06-30")])
    assert phases.month_phase(pd.PeriodIndex(["2021-06"], freq="M"), t).tolist() == ["late"]


def test_first_lockdown_month_from_the_table():
    # worked by hand: March 2020 belongs to the first measures, April to the lockdown
    t = _table(
        [
            ("measures", "2020-03-12", "2020-03-22", "maatregelen"),
            ("lockdown", "2020-03-23", "2020-05-10", "lockdown"),
            ("relax", "2020-05-11", "2020-10-13", "versoepeling"),
        ]
    )
    months = pd.period_range("2020-03", "2020-08", freq="M")
    assert phases.first_lockdown_month(months, t) == "2020-04"
    assert phases.first_lockdown_month(months[2:], t) == ""  # May: 10 lockdown days, 21 relaxation


def test_measure_years_counts_days_per_year():
    # 2020: 12 March to 31 December = 295 of 366 days; 2021 whole; 2022: 1 January to 24 February
    t = _table([("a", "2020-03-12", "2021-12-31"), ("b", "2022-01-01", "2022-02-24")])
    assert phases.measure_years(t) == (2020, 2021)
    assert phases.measure_years(t, min_share=0.9) == (2021,)
    assert phases.measure_years(t, min_share=0.1) == (2020, 2021, 2022)
