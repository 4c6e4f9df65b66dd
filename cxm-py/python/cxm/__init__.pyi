import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union, final

import pandas as pd

from cxm.exceptions import (
    CsvError as CsvError,
    CxmError as CxmError,
    EmptyInputError as EmptyInputError,
    FormatVersionError as FormatVersionError,
    InvalidArgumentError as InvalidArgumentError,
    InvalidDtypeError as InvalidDtypeError,
    InvalidInputError as InvalidInputError,
    InvalidNumberError as InvalidNumberError,
    InvalidScoreError as InvalidScoreError,
    InvalidTimestampError as InvalidTimestampError,
    InvalidUtf8Error as InvalidUtf8Error,
    InvalidWeightError as InvalidWeightError,
    IoError as IoError,
    LengthMismatchError as LengthMismatchError,
    MissingColumnError as MissingColumnError,
    NonFiniteError as NonFiniteError,
    SerializationError as SerializationError,
)

__version__: str
__all__ = [
    "__version__",
    "nps",
    "csat",
    "ces",
    "compare",
    "NpsSummary",
    "CsatSummary",
    "CesSummary",
    "NpsResult",
    "CsatResult",
    "CesResult",
    "Comparison",
    "ResponseTable",
    "read_csv",
    "segment",
    "segment_summary",
    "hotspots",
    "hotspot_summary",
    "SegmentSummary",
    "HotspotSummary",
    "CxmError",
    "InvalidInputError",
    "InvalidDtypeError",
    "InvalidScoreError",
    "NonFiniteError",
    "InvalidNumberError",
    "InvalidWeightError",
    "InvalidTimestampError",
    "InvalidUtf8Error",
    "LengthMismatchError",
    "EmptyInputError",
    "MissingColumnError",
    "InvalidArgumentError",
    "IoError",
    "CsvError",
    "SerializationError",
    "FormatVersionError",
]

# A column of answers or weights: list, tuple, numpy array or pandas Series.
_Column = Union[Sequence[Any], Iterable[Any], Any]
_Names = Union[str, Sequence[str], None]
_Data = Union[pd.DataFrame, ResponseTable]

# --- results ---------------------------------------------------------------------------

@final
class NpsResult:
    @property
    def nps(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def interval(self) -> str: ...
    @property
    def wald(self) -> Tuple[float, float]: ...
    @property
    def adjusted_wald(self) -> Tuple[float, float]: ...
    @property
    def variance(self) -> float: ...
    @property
    def promoters(self) -> float: ...
    @property
    def passives(self) -> float: ...
    @property
    def detractors(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def weighted_n(self) -> float: ...
    @property
    def n_eff(self) -> float: ...
    @property
    def small(self) -> bool: ...
    @property
    def confidence(self) -> float: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __reduce__(self) -> Tuple[Any, Tuple[bytes]]: ...
    @staticmethod
    def _from_bytes(data: bytes) -> NpsResult: ...

@final
class CsatResult:
    @property
    def csat(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def mean(self) -> float: ...
    @property
    def mean_low(self) -> float: ...
    @property
    def mean_high(self) -> float: ...
    @property
    def points(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def weighted_n(self) -> float: ...
    @property
    def n_eff(self) -> float: ...
    @property
    def small(self) -> bool: ...
    @property
    def confidence(self) -> float: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __reduce__(self) -> Tuple[Any, Tuple[bytes]]: ...
    @staticmethod
    def _from_bytes(data: bytes) -> CsatResult: ...

@final
class CesResult:
    @property
    def ces(self) -> float: ...
    @property
    def mean(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def agree(self) -> float: ...
    @property
    def agree_low(self) -> float: ...
    @property
    def agree_high(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def weighted_n(self) -> float: ...
    @property
    def n_eff(self) -> float: ...
    @property
    def small(self) -> bool: ...
    @property
    def confidence(self) -> float: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __reduce__(self) -> Tuple[Any, Tuple[bytes]]: ...
    @staticmethod
    def _from_bytes(data: bytes) -> CesResult: ...

@final
class Comparison:
    @property
    def metric(self) -> str: ...
    @property
    def diff(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def statistic(self) -> float: ...
    @property
    def df(self) -> float: ...
    @property
    def p_value(self) -> float: ...
    @property
    def confidence(self) -> float: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __reduce__(self) -> Tuple[Any, Tuple[bytes]]: ...
    @staticmethod
    def _from_bytes(data: bytes) -> Comparison: ...

# --- summaries -------------------------------------------------------------------------

class NpsSummary:
    def push(self, score: float, weight: float = 1.0) -> None: ...
    def extend(self, values: _Column, weights: Optional[_Column] = None) -> None: ...
    @property
    def counts(self) -> List[int]: ...
    @property
    def weighted_n(self) -> float: ...
    def to_json(self) -> str: ...
    def __reduce__(self) -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    def __init__(self) -> None: ...
    def merge(self, other: NpsSummary) -> NpsSummary: ...
    def finish(self, *, confidence: float = 0.95, interval: str = "wald", small_n: int = 30) -> NpsResult: ...
    @classmethod
    def from_json(cls, json: str) -> NpsSummary: ...

class CsatSummary:
    def push(self, score: float, weight: float = 1.0) -> None: ...
    def extend(self, values: _Column, weights: Optional[_Column] = None) -> None: ...
    @property
    def counts(self) -> List[int]: ...
    @property
    def weighted_n(self) -> float: ...
    def to_json(self) -> str: ...
    def __reduce__(self) -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    def __init__(self, points: int = 5) -> None: ...
    @property
    def points(self) -> int: ...
    def merge(self, other: CsatSummary) -> CsatSummary: ...
    def finish(self, *, confidence: float = 0.95, small_n: int = 30) -> CsatResult: ...
    @classmethod
    def from_json(cls, json: str) -> CsatSummary: ...

class CesSummary:
    def push(self, score: float, weight: float = 1.0) -> None: ...
    def extend(self, values: _Column, weights: Optional[_Column] = None) -> None: ...
    @property
    def counts(self) -> List[int]: ...
    @property
    def weighted_n(self) -> float: ...
    def to_json(self) -> str: ...
    def __reduce__(self) -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    def __init__(self) -> None: ...
    def merge(self, other: CesSummary) -> CesSummary: ...
    def finish(self, *, confidence: float = 0.95, small_n: int = 30) -> CesResult: ...
    @classmethod
    def from_json(cls, json: str) -> CesSummary: ...

def nps(
    values: _Column,
    weights: Optional[_Column] = None,
    *,
    confidence: float = 0.95,
    interval: str = "wald",
    small_n: int = 30,
) -> NpsResult: ...
def csat(
    values: _Column,
    weights: Optional[_Column] = None,
    *,
    confidence: float = 0.95,
    points: int = 5,
    small_n: int = 30,
) -> CsatResult: ...
def ces(
    values: _Column,
    weights: Optional[_Column] = None,
    *,
    confidence: float = 0.95,
    small_n: int = 30,
) -> CesResult: ...
def compare(
    a: Union[NpsResult, CsatResult, CesResult, NpsSummary, CsatSummary, CesSummary],
    b: Union[NpsResult, CsatResult, CesResult, NpsSummary, CsatSummary, CesSummary],
    *,
    confidence: float = 0.95,
) -> Comparison: ...

# --- tables ----------------------------------------------------------------------------

class ResponseTable:
    def __init__(self, raw: Any) -> None: ...
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
    ) -> ResponseTable: ...
    def __len__(self) -> int: ...
    @property
    def load_report(self) -> Dict[str, Any]: ...
    @property
    def columns(self) -> List[str]: ...
    @property
    def csat_points(self) -> int: ...
    def to_pandas(self) -> pd.DataFrame: ...
    def __reduce__(self) -> Any: ...

def read_csv(
    path: Union[str, os.PathLike[str]],
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
) -> ResponseTable: ...

# --- segmentation ----------------------------------------------------------------------

class SegmentSummary:
    def __init__(self, raw: Any) -> None: ...
    @property
    def dims(self) -> List[str]: ...
    @property
    def group_count(self) -> int: ...
    def merge(self, other: SegmentSummary) -> SegmentSummary: ...
    def finish(
        self,
        *,
        min_n: int = 30,
        confidence: float = 0.95,
        alpha: float = 0.05,
        interval: str = "wald",
    ) -> pd.DataFrame: ...
    def to_json(self) -> str: ...
    @classmethod
    def from_json(cls, json: str) -> SegmentSummary: ...
    def __reduce__(self) -> Any: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]

class HotspotSummary:
    def __init__(self, raw: Any, dims: List[str], max_depth: int) -> None: ...
    @property
    def dims(self) -> List[str]: ...
    @property
    def max_depth(self) -> int: ...
    def merge(self, other: HotspotSummary) -> HotspotSummary: ...
    def finish(
        self,
        *,
        min_n: int = 30,
        top: int = 10,
        concentration: float = 0.5,
        confidence: float = 0.95,
        alpha: float = 0.05,
        interval: str = "wald",
    ) -> pd.DataFrame: ...
    def to_json(self) -> str: ...
    @classmethod
    def from_json(cls, text: str) -> HotspotSummary: ...
    def __reduce__(self) -> Any: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]

def segment_summary(
    data: _Data,
    metric: str = "nps",
    *,
    by: _Names = (),
    time: Optional[str] = None,
    bucket: _Names = None,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Optional[str] = None,
    csat_points: int = 5,
    policy: str = "reject",
) -> SegmentSummary: ...
def segment(
    data: _Data,
    metric: Union[str, Sequence[str]] = "nps",
    *,
    by: _Names = (),
    time: Optional[str] = None,
    bucket: _Names = None,
    min_n: int = 30,
    confidence: float = 0.95,
    alpha: float = 0.05,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Union[str, Dict[str, str], None] = None,
    csat_points: int = 5,
    interval: str = "wald",
    policy: str = "reject",
) -> pd.DataFrame: ...
def hotspot_summary(
    data: _Data,
    metric: str = "nps",
    *,
    by: _Names = (),
    time: Optional[str] = None,
    bucket: _Names = None,
    max_depth: int = 3,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Optional[str] = None,
    csat_points: int = 5,
    policy: str = "reject",
) -> HotspotSummary: ...
def hotspots(
    data: _Data,
    metric: str = "nps",
    *,
    by: _Names = (),
    time: Optional[str] = None,
    bucket: _Names = None,
    min_n: int = 30,
    max_depth: int = 3,
    top: int = 10,
    concentration: float = 0.5,
    confidence: float = 0.95,
    alpha: float = 0.05,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Optional[str] = None,
    csat_points: int = 5,
    interval: str = "wald",
    policy: str = "reject",
) -> pd.DataFrame: ...
