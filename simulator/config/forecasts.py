"""Forecasts a policy or a supplier's plant plans from: moving average, smoothing, Holt-Winters."""

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


class HoltWinters(Model):
    """Additive Holt-Winters: a level, a trend and a season of ``season_days`` days, smoothed."""

    alpha: float = Field(gt=0, le=1)
    """Smoothing constant of the level (deseasonalised demand per day)."""
    beta: float = Field(default=0.0, ge=0, le=1)
    """Smoothing constant of the trend (change of the level per day); 0 keeps the trend at 0."""
    gamma: float = Field(default=0.1, ge=0, le=1)
    """Smoothing constant of the seasonal terms."""
    season_days: int = Field(default=7, ge=2, le=366)
    """Length of the season in days (7: a weekly pattern)."""


class Forecast(Model):
    """A forecast of daily demand: give exactly one method."""

    moving_average: MovingAverage | None = None
    """Moving average over a window of days."""
    exponential_smoothing: ExponentialSmoothing | None = None
    """Exponential smoothing with a constant alpha."""
    holt_winters: HoltWinters | None = None
    """Holt-Winters (level, trend and season), see docs/demand.md."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Forecast:
        given = [self.moving_average, self.exponential_smoothing, self.holt_winters]
        if sum(m is not None for m in given) != 1:
            raise ValueError(
                "give exactly one of moving_average, exponential_smoothing and holt_winters"
            )
        return self


def default_forecast() -> Forecast:
    """A 7-day moving average."""
    return Forecast(moving_average=MovingAverage(window=7))
