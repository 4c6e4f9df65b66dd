# Native half of cxm (Rust, pyo3). Private: use the names exported by `cxm`.
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union, final

import numpy as np
import numpy.typing as npt

from cxm import CesResult as CesResult
from cxm import Comparison as Comparison
from cxm import CsatResult as CsatResult
from cxm import NpsResult as NpsResult
from cxm import SentimentModel as SentimentModel

__version__: str
__all__ = [
    "__version__",
    "FORMAT_VERSION",
    "EPOCH_LIMIT",
    "error_variants",
    "NpsResult",
    "CsatResult",
    "CesResult",
    "Comparison",
    "MetricSummary",
    "compare",
    "Table",
    "read_csv",
    "table_from_columns",
    "SegmentSummary",
    "HotspotSummary",
    "SentimentModel",
    "Calibration",
]
FORMAT_VERSION: int
EPOCH_LIMIT: int

def error_variants() -> List[Tuple[str, str, List[str]]]: ...

@final
class MetricSummary:
    def __new__(cls, metric: str, points: int = 5) -> MetricSummary: ...
    @property
    def metric(self) -> str: ...
    @property
    def points(self) -> int: ...
    @property
    def counts(self) -> List[int]: ...
    @property
    def weighted_n(self) -> float: ...
    def __len__(self) -> int: ...
    def push(self, score: float, weight: float) -> None: ...
    def extend(
        self,
        values: npt.NDArray[np.float64],
        weights: Optional[npt.NDArray[np.float64]] = None,
        present: Optional[npt.NDArray[np.bool_]] = None,
    ) -> None: ...
    def merge(self, other: MetricSummary) -> MetricSummary: ...
    def finish(
        self, confidence: float = 0.95, interval: str = "wald", small_n: int = 30
    ) -> Union[NpsResult, CsatResult, CesResult]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(metric: str, json: str) -> MetricSummary: ...
    def __reduce__(self) -> Any: ...

def compare(a: Any, b: Any, confidence: float = 0.95) -> Comparison: ...

@final
class Table:
    def __len__(self) -> int: ...
    def load_report(self) -> Dict[str, Any]: ...
    def columns(self) -> List[str]: ...
    @property
    def csat_points(self) -> int: ...
    def to_columns(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> Table: ...
    def __reduce__(self) -> Any: ...

def read_csv(
    path: str,
    *,
    nps: Optional[str] = None,
    csat: Optional[str] = None,
    csat_points: int = 5,
    ces: Optional[str] = None,
    weight: Optional[str] = None,
    timestamp: Optional[str] = None,
    attributes: Sequence[str] = ...,
    comment: Optional[str] = None,
    respondent_id: Optional[str] = None,
    policy: str = "reject",
    delimiter: str = ",",
) -> Table: ...
def table_from_columns(
    *,
    nps: Optional[Tuple[Any, Any]] = None,
    csat: Optional[Tuple[Any, Any]] = None,
    csat_points: int = 5,
    ces: Optional[Tuple[Any, Any]] = None,
    weight: Any = None,
    timestamp_epoch: Any = None,
    timestamp_text: Optional[List[str]] = None,
    attributes: Sequence[Tuple[str, Any, List[str]]] = ...,
    comment: Optional[List[str]] = None,
    respondent_id: Optional[List[str]] = None,
    names: Optional[Dict[str, str]] = None,
    policy: str = "reject",
) -> Table: ...

@final
class SegmentSummary:
    @staticmethod
    def from_columns(
        metric: str,
        answers: Any,
        *,
        points: int = 5,
        present: Any = None,
        weights: Any = None,
        dims: Sequence[Tuple[Any, ...]] = ...,
        timestamps: Any = None,
        utc_offset: int = 0,
        answer_column: Optional[str] = None,
        policy: str = "reject",
    ) -> SegmentSummary: ...
    @staticmethod
    def from_columns_many(
        metrics: Sequence[Tuple[str, Any, Any, Optional[str]]],
        *,
        points: int = 5,
        weights: Any = None,
        dims: Sequence[Tuple[Any, ...]] = ...,
        timestamps: Any = None,
        utc_offset: int = 0,
        policy: str = "reject",
    ) -> List[SegmentSummary]: ...
    @staticmethod
    def from_table(
        table: Table,
        metric: str,
        by: Sequence[str] = ...,
        buckets: Sequence[str] = ...,
        utc_offset: int = 0,
    ) -> SegmentSummary: ...
    @property
    def dims(self) -> List[str]: ...
    @property
    def group_count(self) -> int: ...
    def merge(self, other: SegmentSummary) -> SegmentSummary: ...
    def finish(
        self, min_n: int = 30, confidence: float = 0.95, alpha: float = 0.05, interval: str = "wald"
    ) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> SegmentSummary: ...
    def __reduce__(self) -> Any: ...

@final
class HotspotSummary:
    @staticmethod
    def from_columns(
        metric: str,
        answers: Any,
        *,
        points: int = 5,
        present: Any = None,
        weights: Any = None,
        dims: Sequence[Tuple[Any, ...]] = ...,
        timestamps: Any = None,
        utc_offset: int = 0,
        answer_column: Optional[str] = None,
        policy: str = "reject",
        max_depth: int = 3,
    ) -> HotspotSummary: ...
    @staticmethod
    def from_table(
        table: Table,
        metric: str,
        by: Sequence[str] = ...,
        buckets: Sequence[str] = ...,
        utc_offset: int = 0,
        max_depth: int = 3,
    ) -> HotspotSummary: ...
    def merge(self, other: HotspotSummary) -> HotspotSummary: ...
    def finish(
        self,
        min_n: int = 30,
        confidence: float = 0.95,
        alpha: float = 0.05,
        interval: str = "wald",
        max_depth: int = 3,
        top: int = 10,
        concentration: float = 0.5,
    ) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> HotspotSummary: ...
    def __reduce__(self) -> Any: ...

@final
class Calibration:
    @staticmethod
    def fit(
        compound: npt.NDArray[np.float64],
        scores: npt.NDArray[np.float64],
        scale: str = "nps",
        csat_points: int = 5,
    ) -> Calibration: ...
    @property
    def n(self) -> int: ...
    @property
    def scale(self) -> str: ...
    @property
    def csat_points(self) -> Optional[int]: ...
    def expected_score(self, compound: float) -> float: ...
    def p_negative(self, compound: float) -> float: ...
    def expected_score_array(self, compound: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def p_negative_array(self, compound: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> Calibration: ...
    def __reduce__(self) -> Any: ...
