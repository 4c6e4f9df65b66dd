from typing import Any, Optional, Tuple

class CxmError(Exception):
    fields: Tuple[str, ...]
    def __init__(self, msg: str = "", /, **fields: Any) -> None: ...

class InvalidInputError(CxmError, ValueError): ...
class IoError(CxmError, OSError): ...

class SerializationError(CxmError, ValueError):
    message: Optional[str]

class InvalidDtypeError(InvalidInputError, TypeError):
    column: Optional[str]
    dtype: Optional[str]
    expected: Optional[str]

class InvalidScoreError(InvalidInputError):
    row: Optional[int]
    column: Optional[str]
    value: Optional[float]
    scale: Optional[str]

class NonFiniteError(InvalidInputError):
    row: Optional[int]
    column: Optional[str]
    value: Optional[float]

class InvalidNumberError(InvalidInputError):
    row: Optional[int]
    column: Optional[str]
    value: Optional[str]

class InvalidWeightError(InvalidInputError):
    row: Optional[int]
    value: Optional[float]

class InvalidTimestampError(InvalidInputError):
    row: Optional[int]
    value: Optional[str]

class InvalidUtf8Error(InvalidInputError):
    row: Optional[int]
    column: Optional[str]

class LengthMismatchError(InvalidInputError):
    column: Optional[str]
    expected: Optional[int]
    found: Optional[int]

class EmptyInputError(InvalidInputError):
    what: Optional[str]

class MissingColumnError(InvalidInputError):
    column: Optional[str]
    available: Optional[str]

class InvalidArgumentError(InvalidInputError):
    name: Optional[str]
    reason: Optional[str]

class CsvError(IoError):
    row: Optional[int]
    message: Optional[str]

class FormatVersionError(SerializationError):
    found: Optional[int]
    expected: Optional[int]

__all__ = [
    "CxmError",
    "InvalidInputError",
    "IoError",
    "SerializationError",
    "InvalidDtypeError",
    "CsvError",
    "EmptyInputError",
    "FormatVersionError",
    "InvalidArgumentError",
    "InvalidNumberError",
    "InvalidScoreError",
    "InvalidTimestampError",
    "InvalidUtf8Error",
    "InvalidWeightError",
    "LengthMismatchError",
    "MissingColumnError",
    "NonFiniteError",
]
