"""The base of every scenario model and the small constrained types the sections share."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9_\-]+$"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
"""An identifier: letters, digits, ``_`` and ``-`` (no dots: ids appear in dotted paths)."""

Probability = Annotated[float, Field(ge=0, le=1)]
Rate = Annotated[float, Field(ge=0, lt=1)]
Money = Annotated[float, Field(ge=0)]
Days = Annotated[float, Field(gt=0)]


class Model(BaseModel):
    """Base of every scenario model: immutable, unknown keys are errors, docstrings documented."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, validate_default=True
    )
