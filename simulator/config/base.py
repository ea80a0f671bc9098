"""The base of every scenario model and the small constrained types the sections share."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from simulator.config.limits import (
    MIN_PERIOD_DAYS,
    UNBOUNDED_FIELDS,
    number_problem,
    number_text,
)

ID_PATTERN = r"^[A-Za-z0-9_\-]+$"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
"""An identifier: letters, digits, ``_`` and ``-`` (no dots: ids appear in dotted paths)."""

Probability = Annotated[float, Field(ge=0, le=1)]
Rate = Annotated[float, Field(ge=0, lt=1)]
Money = Annotated[float, Field(ge=0)]


def _long_enough(days: float) -> float:
    if days < MIN_PERIOD_DAYS:
        raise ValueError(
            f"{days:g} days is shorter than the shortest period the simulator can step through, "
            f"{number_text(MIN_PERIOD_DAYS)} days (see docs/limits.md)"
        )
    return days


Days = Annotated[float, Field(gt=0), AfterValidator(_long_enough)]
"""A period in days: more than 0, and at least ``MIN_PERIOD_DAYS`` (:mod:`~.limits`)."""


class Model(BaseModel):
    """Base of every scenario model: immutable, unknown keys are errors, docstrings documented.

    Every number must be finite and within :data:`~simulator.config.limits.MAX_MAGNITUDE`, in the
    model's own fields and inside the lists, mappings and distributions they hold.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        validate_default=True,
        allow_inf_nan=False,
    )

    checks_own_numbers: ClassVar[bool] = True
    """Models check their own fields' numbers; a parent does not look inside them again."""

    @field_validator("*", mode="after")
    @classmethod
    def _numbers_within_limits(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name not in UNBOUNDED_FIELDS:
            problem = number_problem(value)
            if problem is not None:
                raise ValueError(problem)
        return value
