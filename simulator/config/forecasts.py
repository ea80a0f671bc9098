"""Demand forecasts a policy or a supplier's plant plans from: moving average, smoothing."""

from __future__ import annotations

from pydantic import Field, model_validator

from simulator.config.base import Model


class MovingAverage(Model):
    """Forecast = mean demand of the last ``window`` days."""

    window: int = Field(ge=1, le=3650)
    """Number of past days averaged."""


class ExponentialSmoothing(Model):
    """Forecast <- forecast + alpha x (today's demand - forecast)."""

    alpha: float = Field(gt=0, le=1)
    """Smoothing constant: weight of the newest day (0 < alpha <= 1)."""


class Forecast(Model):
    """A forecast of daily demand: give exactly one method."""

    moving_average: MovingAverage | None = None
    """Moving average over a window of days."""
    exponential_smoothing: ExponentialSmoothing | None = None
    """Exponential smoothing with a constant alpha."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Forecast:
        if (self.moving_average is None) == (self.exponential_smoothing is None):
            raise ValueError("give exactly one of moving_average and exponential_smoothing")
        return self


def default_forecast() -> Forecast:
    """A 7-day moving average."""
    return Forecast(moving_average=MovingAverage(window=7))
