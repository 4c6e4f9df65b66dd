"""Shared fixtures for the cxm Python tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "data" / "responses.csv"
TRUTHS = REPO / "examples" / "data" / "truths.json"

#: The 10-row NPS worked on paper: 4 promoters, 3 passives, 3 detractors → NPS 10.
GOLDEN_NPS = [10, 10, 9, 9, 8, 8, 7, 6, 5, 0]


@pytest.fixture(scope="session")
def sample_df() -> pd.DataFrame:
    """The sample responses, scores as nullable Int64 (empty cell = skipped question)."""
    if not SAMPLE.exists():
        pytest.skip("examples/data/responses.csv is absent")
    return pd.read_csv(SAMPLE, dtype={"nps": "Int64", "csat": "Int64", "ces": "Int64"})


@pytest.fixture(scope="session")
def truths() -> dict:
    if not TRUTHS.exists():
        pytest.skip("examples/data/truths.json is absent")
    return json.loads(TRUTHS.read_text())


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20250304)


def synthetic(rng: np.random.Generator, n: int = 3000) -> pd.DataFrame:
    """Survey-like data with a real difference between stores and dayparts."""
    store = rng.choice(["Leeds", "York", "Hull", "Bath"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    channel = rng.choice(["app", "web", "phone"], size=n)
    ts = pd.Timestamp("2025-01-01T00:00:00Z").value // 10**9 + rng.integers(0, 365 * 86400, size=n)
    base = rng.integers(0, 11, size=n)
    bad = (store == "Leeds") & (channel == "phone")
    nps = np.where(bad, np.minimum(base, 6), base)
    return pd.DataFrame(
        {
            "nps": nps.astype(np.int64),
            "csat": rng.integers(1, 6, size=n).astype(np.int64),
            "ces": rng.integers(1, 8, size=n).astype(np.int64),
            "store": store,
            "channel": channel,
            "weight": rng.uniform(0.5, 1.5, size=n),
            "timestamp": pd.to_datetime(ts, unit="s", utc=True),
        }
    )


@pytest.fixture
def survey(rng: np.random.Generator) -> pd.DataFrame:
    return synthetic(rng)
