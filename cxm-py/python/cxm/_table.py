"""Response tables: validated columnar survey data loaded from CSV or pandas."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import pandas as pd

from cxm import _columns, _cxm
from cxm.exceptions import MissingColumnError

__all__ = ["ResponseTable", "read_csv"]

_POLICIES = ("reject", "skip")


class ResponseTable:
    """Validated columnar survey responses: NPS / CSAT / CES answers (missing where a
    question was skipped), optional weights, timestamps, categorical attributes, comments
    and respondent ids. Build one with :func:`cxm.read_csv` or
    :meth:`ResponseTable.from_pandas`; every input row is accounted for in
    :attr:`load_report`. Picklable.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, _cxm.Table):
            raise _columns.invalid_argument(
                "raw", "use cxm.read_csv or ResponseTable.from_pandas to build a table"
            )
        self._raw = raw

    @classmethod
    def from_pandas(
        cls,
        df: pd.DataFrame,
        *,
        nps: Optional[str] = None,
        csat: Optional[str] = None,
        csat_points: int = 5,
        ces: Optional[str] = None,
        weight: Optional[str] = None,
        timestamp: Optional[str] = None,
        attributes: Sequence[str] = (),
        comment: Optional[str] = None,
        respondent_id: Optional[str] = None,
        policy: str = "reject",
    ) -> "ResponseTable":
        """Builds a table from DataFrame columns named by role.

        Scores: nullable missing values (``pd.NA`` in ``Int64`` columns, ``None``) mean
        the question was skipped; a float ``NaN`` is a bad value (``policy="reject"``
        raises, ``"skip"`` drops and counts the row). Timestamps: datetime64 (naive =
        UTC), epoch seconds or ISO-8601 text with an offset.
        """
        if not isinstance(df, pd.DataFrame):
            raise _columns.invalid_argument("df", f"expected a pandas DataFrame, got {type(df).__name__}")

        def col(name: str) -> pd.Series:
            if name not in df.columns:
                raise MissingColumnError(
                    f"column `{name}` not found (available: {', '.join(map(str, df.columns))})",
                    column=name,
                    available=", ".join(map(str, df.columns)),
                )
            return df[name]

        def score(name: Optional[str]) -> Any:
            if name is None:
                return None
            values, present = _columns.answers(col(name), name, float64=True)
            return (values, present)

        kwargs: Dict[str, Any] = dict(
            nps=score(nps),
            csat=score(csat),
            csat_points=csat_points,
            ces=score(ces),
            policy=policy,
        )
        if weight is not None:
            kwargs["weight"] = _columns.weights(col(weight), weight)
        if timestamp is not None:
            ts = _columns.timestamps(col(timestamp), timestamp)
            kwargs["timestamp_text" if isinstance(ts, list) else "timestamp_epoch"] = ts
        attrs = []
        for name in _columns.names(attributes, "attributes"):
            c, levels = _columns.codes(col(name), name)
            attrs.append((name, np.ascontiguousarray(c, dtype=np.int64), levels))
        kwargs["attributes"] = attrs
        if comment is not None:
            kwargs["comment"] = _columns.text(col(comment), comment)
        if respondent_id is not None:
            kwargs["respondent_id"] = _columns.text(col(respondent_id), respondent_id)
        roles = dict(nps=nps, csat=csat, ces=ces, weight=weight, timestamp=timestamp, comment=comment,
                     respondent_id=respondent_id)
        kwargs["names"] = {role: name for role, name in roles.items() if name is not None}
        return cls(_cxm.table_from_columns(**kwargs))

    def __len__(self) -> int:
        return len(self._raw)

    @property
    def load_report(self) -> Dict[str, Any]:
        """``{"rows_in": …, "rows_accepted": …, "skipped": {reason: count}}`` with
        ``rows_in == rows_accepted + sum(skipped.values())``."""
        return dict(self._raw.load_report())

    @property
    def columns(self) -> List[str]:
        """Column names present: roles (``nps``, ``weight``, ``timestamp`` …) and
        attribute names."""
        return list(self._raw.columns())

    @property
    def csat_points(self) -> int:
        """CSAT scale points."""
        return int(self._raw.csat_points)

    def to_pandas(self) -> pd.DataFrame:
        """The accepted rows as a DataFrame: scores as nullable ``Int64`` (``<NA>`` where
        the question was skipped), ``timestamp`` as UTC ``datetime64[s, UTC]``,
        attributes as categoricals."""
        cols = self._raw.to_columns()
        data: Dict[str, Any] = {}
        for metric in ("nps", "csat", "ces"):
            if metric in cols:
                data[metric] = pd.array(cols[metric], dtype="Float64").astype("Int64")
        if "weight" in cols:
            data["weight"] = cols["weight"]
        if "timestamp" in cols:
            data["timestamp"] = pd.to_datetime(cols["timestamp"], unit="s", utc=True)
        for name, (codes, levels) in cols["attributes"].items():
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(levels, dtype=object))
        for name in ("comment", "respondent_id"):
            if name in cols:
                data[name] = pd.Series(cols[name], dtype=object)
        return pd.DataFrame(data)

    def __reduce__(self) -> Any:
        return (ResponseTable._from_bytes, (self._raw.to_json().encode("utf-8"),))

    @staticmethod
    def _from_bytes(data: bytes) -> "ResponseTable":
        return ResponseTable(_cxm.Table.from_json(data.decode("utf-8")))

    def __repr__(self) -> str:
        r = self.load_report
        skipped = sum(r["skipped"].values())
        return f"ResponseTable(rows={len(self)}, columns={self.columns}, skipped={skipped})"


def read_csv(
    path: Union[str, "os.PathLike[str]"],
    *,
    nps: Optional[str] = None,
    csat: Optional[str] = None,
    csat_points: int = 5,
    ces: Optional[str] = None,
    weight: Optional[str] = None,
    timestamp: Optional[str] = None,
    attributes: Sequence[str] = (),
    comment: Optional[str] = None,
    respondent_id: Optional[str] = None,
    policy: str = "reject",
    delimiter: str = ",",
) -> ResponseTable:
    """Reads a CSV file (with a header row) into a :class:`ResponseTable`; arguments name
    the column playing each role. Empty score cells mean the question was skipped; any
    other bad cell makes the row bad (``policy="reject"``: raise; ``"skip"``: drop and
    count by reason). Reading runs without the GIL."""
    raw = _cxm.read_csv(
        os.fspath(path),
        nps=nps,
        csat=csat,
        csat_points=csat_points,
        ces=ces,
        weight=weight,
        timestamp=timestamp,
        attributes=_columns.names(attributes, "attributes"),
        comment=comment,
        respondent_id=respondent_id,
        policy=policy,
        delimiter=delimiter,
    )
    return ResponseTable(raw)
