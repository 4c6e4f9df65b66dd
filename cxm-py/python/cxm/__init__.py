"""cxm — customer-experience analytics: NPS / CSAT / CES with honest intervals,
segmentation with significance, hotspot search, and sentiment of comments, over numpy
and pandas.

A pure-Python layer over the native ``cxm._cxm`` extension (Rust, ``cxm-core``): this
package converts arguments and builds pandas objects; every statistic is computed by the
core. See ``docs/python.md``.
"""

from cxm import _cxm
from cxm._metrics import (
    CesResult,
    CesSummary,
    Comparison,
    CsatResult,
    CsatSummary,
    NpsResult,
    NpsSummary,
    ces,
    compare,
    csat,
    nps,
)
from cxm._segment import (
    HotspotSummary,
    SegmentSummary,
    hotspot_summary,
    hotspots,
    segment,
    segment_summary,
)
from cxm._sentiment import Calibration, SentimentModel, sentiment
from cxm._table import ResponseTable, read_csv
from cxm.exceptions import (
    CsvError,
    CxmError,
    EmptyInputError,
    FormatVersionError,
    InvalidArgumentError,
    InvalidDtypeError,
    InvalidInputError,
    InvalidNumberError,
    InvalidScoreError,
    InvalidTimestampError,
    InvalidUtf8Error,
    InvalidWeightError,
    IoError,
    LengthMismatchError,
    MissingColumnError,
    NonFiniteError,
    SerializationError,
)

__version__: str = _cxm.__version__

__all__ = [
    "__version__",
    # metrics
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
    # tables
    "ResponseTable",
    "read_csv",
    # segmentation
    "segment",
    "segment_summary",
    "hotspots",
    "hotspot_summary",
    "SegmentSummary",
    "HotspotSummary",
    # sentiment
    "sentiment",
    "SentimentModel",
    "Calibration",
    # errors
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
