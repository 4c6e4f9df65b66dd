"""Exceptions raised by cxm.

The hierarchy is generated here, once, from the core's error variants
(``cxm._cxm.error_variants()``: variant name, coarse kind, field names)::

    CxmError(Exception)
    ├── InvalidInputError(CxmError, ValueError)    the caller's data or arguments
    │   ├── InvalidScoreError      row, column, value, scale
    │   ├── NonFiniteError         row, column, value
    │   ├── InvalidNumberError     row, column, value
    │   ├── InvalidWeightError     row, value
    │   ├── InvalidTimestampError  row, value
    │   ├── InvalidUtf8Error       row, column
    │   ├── LengthMismatchError    column, expected, found
    │   ├── EmptyInputError        what
    │   ├── MissingColumnError     column, available
    │   ├── InvalidArgumentError   name, reason
    │   └── InvalidDtypeError(InvalidInputError, TypeError)  column, dtype, expected
    ├── IoError(CxmError, OSError)                  reading input failed
    │   └── CsvError               row, message
    └── SerializationError(CxmError, ValueError)   message
        └── FormatVersionError     found, expected

Every exception carries its variant's fields as attributes (``err.row``,
``err.column``, ``err.value``); ``InvalidDtypeError`` is raised by the Python layer when
a column has the wrong dtype (strings or objects where numbers are expected).
"""

from __future__ import annotations

from typing import Any, Dict, Tuple, Type

from cxm import _cxm


class CxmError(Exception):
    """Base class of every error raised by cxm.

    ``fields`` names the attributes the error carries (the core variant's fields).
    """

    fields: Tuple[str, ...] = ()

    def __init__(self, msg: str = "", /, **fields: Any) -> None:
        super().__init__(msg)
        unknown = set(fields) - set(type(self).fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no fields {sorted(unknown)}")
        for name in type(self).fields:
            setattr(self, name, fields.get(name))

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidInputError(CxmError, ValueError):
    """The caller's data or arguments are wrong."""


class IoError(CxmError, OSError):
    """Reading input failed."""


class SerializationError(CxmError, ValueError):
    """A serialized summary or result could not be decoded."""


class InvalidDtypeError(InvalidInputError, TypeError):
    """A column has the wrong dtype (e.g. strings or objects where scores are expected)."""

    fields = ("column", "dtype", "expected")


_KIND_BASES: Dict[str, Type[CxmError]] = {
    "InvalidInput": InvalidInputError,
    "Io": IoError,
    "Serialization": SerializationError,
}

_BY_VARIANT: Dict[str, Type[CxmError]] = {}


def _generate() -> None:
    """One class per core variant: ``InvalidScore`` → ``InvalidScoreError``."""
    for variant, kind, fields in _cxm.error_variants():
        base = _KIND_BASES[kind]
        name = f"{variant}Error"
        if name == base.__name__:
            cls = base
            cls.fields = tuple(fields)
        else:
            doc = f"Core error `{variant}`; attributes: {', '.join(fields) or 'none'}."
            cls = type(name, (base,), {"fields": tuple(fields), "__doc__": doc, "__module__": __name__})
            globals()[name] = cls
        _BY_VARIANT[variant] = cls


_generate()


def _from_core(variant: str, kind: str, msg: str, /, **fields: Any) -> CxmError:
    """Called by the native layer to build the exception for a core error."""
    cls = _BY_VARIANT.get(variant) or _KIND_BASES.get(kind, CxmError)
    known = {k: v for k, v in fields.items() if k in cls.fields}
    return cls(msg, **known)


__all__ = [
    "CxmError",
    "InvalidInputError",
    "IoError",
    "SerializationError",
    "InvalidDtypeError",
    *sorted(c.__name__ for c in _BY_VARIANT.values() if c not in _KIND_BASES.values()),
]
