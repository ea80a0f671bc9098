"""Customer demand: each segment's orders arrive as a Poisson process and go to the warehouse.

With ``behaviour: none`` a segment of ``count`` customers each ordering ``r`` times a day is one
Poisson stream of rate ``count * r`` (the superposition of independent Poisson streams is Poisson).
Each order is for one product, drawn by the segment's product mix, and a quantity drawn from the
segment's quantity distribution.

With a rate profile m(t) (:mod:`simulator.profile`) the same exponential gaps are laid on the
profile's clock: arrivals come at M⁻¹ of the running sum of the gaps, which makes the stream a
non-homogeneous Poisson process of rate λ m(t), exactly. Customers who remember do the same with
their current rate, redrawn whenever the number of active customers changes (exact, since the
gaps are memoryless on either clock).
"""

from __future__ import annotations

import itertools
from heapq import heappush
from typing import TYPE_CHECKING

from simulator import behaviour
from simulator.customer_days import BANDS_PER_UNIT, band_slots
from simulator.entities.carrier import Lane
from simulator.events import DAY_END, DEMAND, Call
from simulator.orders import Order
from simulator.records import Recorder, SegmentSummary
from simulator.samplers import block_sampler, uniform_sampler
from simulator.specs import SegmentSpec

if TYPE_CHECKING:
    import simpy

    from simulator.entities.service_desk import ServiceDeskNode
    from simulator.entities.stock import Stock


class SegmentDemand:
    """The order stream of one customer segment.

    Args:
        env: the SimPy environment.
        spec: the segment.
        stocks: the warehouse's stock of each product.
        lane: the outbound carrier lane to these customers.
        recorder: where facts go.
        order_ids: the run's shared order-number counter.
    """

    behaves = False

    def __init__(
        self,
        env: simpy.Environment,
        spec: SegmentSpec,
        stocks: dict[str, Stock],
        lane: Lane,
        recorder: Recorder,
        order_ids: itertools.count,
    ) -> None:
        self.env = env
        self.id = spec.id
        self.promised_days = spec.promised_days
        self.lane = lane
        self.recorder = recorder
        self._ids = order_ids
        self._stocks = [stocks[pid] for pid in spec.products]
        # which products' orders can be sold and delivered at once when the shelf fills them
        instant = lane.instant and not lane.active and recorder.trace is None and not self.behaves
        self._sells = [instant and getattr(s.warehouse, "instant", False) for s in self._stocks]
        self._which = spec.which
        self.quantity = spec.quantity
        self.count = spec.count
        self.gap = spec.gap
        self.profile = spec.profile
        self._clock = 0.0  # the profile's clock M(t) at the last arrival drawn
        self._wait = self.gap if spec.profile is None else self._profiled_gap
        self._again = (self._arrive,)  # an arrival event's callbacks, when it is used again
        self._start()

    def _start(self) -> None:
        """Schedule the first order."""
        if self.gap is not None:
            Call(self.env, self._wait(), self._arrive, None, DEMAND)

    def _profiled_gap(self) -> float:
        """Time to the next arrival: one more exponential gap on the profile's clock."""
        self._clock += self.gap()
        return max(0.0, self.profile.inverse(self._clock) - self.env._now)

    def _arrive(self, event: Call) -> None:
        """One order arrives; the same event is put back on the queue as the next arrival."""
        env = self.env
        event.callbacks = self._again
        heappush(env._queue, (env._now + self._wait(), DEMAND, next(env._eid), event))
        qty = self.quantity()
        i = self._which()  # :meth:`_place`, written out: this is every order's path
        oid = next(self._ids)
        if not (self._sells[i] and self._stocks[i].sell(qty, env._now)):
            self._to_stock(oid, self._stocks[i], qty)

    def _place(self, qty: int) -> None:
        """An order for ``qty`` units of a product drawn by the mix goes to its stock."""
        i = self._which()
        oid = next(self._ids)  # numbered as in a traced run
        if not (self._sells[i] and self._stocks[i].sell(qty, self.env._now)):
            self._to_stock(oid, self._stocks[i], qty)

    def _to_stock(self, oid: int, stock: Stock, qty: int) -> None:
        """The order, if the shelf could not sell it at once, goes to its stock as an Order."""
        rec = self.recorder
        now = self.env._now
        order = Order(oid, self, stock, qty, now, rec.measuring)
        if rec.measuring and rec.end - now <= self.promised_days:  # could be not yet due at the end
            rec.open_orders[oid] = order
        stock.demand(order)


class BehaviouralSegment(SegmentDemand):
    """A segment of individual customers who remember their experiences.

    Each active customer orders as a Poisson process of rate ``orders_per_customer_per_day``, so
    the segment's orders form a Poisson process of rate (active customers) x rate (x the profile's
    multiplier, if any), and each order belongs to an active customer chosen uniformly. When the
    number of active customers changes, the next arrival is drawn again from the new rate (exact,
    since exponential gaps are memoryless). After each order: satisfaction update, maybe a survey,
    maybe a complaint, and the decision to stay or leave (rules in :mod:`simulator.behaviour`). New
    customers arrive day by day at a rate moved by promoters and detractors.

    Args:
        env: the SimPy environment.
        spec: the segment (with a behaviour model).
        stocks: the warehouse's stock of each product.
        lane: the outbound carrier lane to these customers.
        recorder: where facts go.
        order_ids: the run's shared order-number counter.
        desk: the service desk, or ``None``.
    """

    behaves = True

    def __init__(
        self,
        env: simpy.Environment,
        spec: SegmentSpec,
        stocks: dict[str, Stock],
        lane: Lane,
        recorder: Recorder,
        order_ids: itertools.count,
        desk: ServiceDeskNode | None = None,
    ) -> None:
        beh = spec.behaviour
        self.beh = beh
        self.beh_rate = spec.per_customer
        self.desk = desk
        self._unit_gap = beh.unit_gap
        self._choose = beh.choose
        self._stay = beh.stay
        # who is asked: one block-drawn uniform per order; the answers' noise: a stream of its own,
        # so that one more answer in a variant does not shift who is asked (common random numbers)
        self._surveyed = uniform_sampler(beh.survey_rng)
        noise_rng, noise = beh.survey_rng.spawn(1)[0], beh.survey_noise
        self._noise = block_sampler(lambda n: noise_rng.normal(0.0, noise, n)) if noise else None
        self._keep = 1.0 - beh.memory  # of satisfaction, at each order
        self._notice = beh.delay_notice
        # the score and mask of an order where nothing went wrong (the rule's own answer)
        self._perfect = behaviour.experience(beh.sensitivity, 0.0, False, 0.0, False, False, False)
        self._complain = beh.complain
        self._acq_rng = beh.acquisition_rng
        count = spec.count
        self.satisfaction = [beh.initial_satisfaction] * count
        self.bands = band_slots(beh.initial_satisfaction, count)  # active customers by band
        self.orders_of = [0] * count
        self.history = [0] * count  # masks of the last three orders, 6 bits each
        self.answer = [-1] * count  # last survey answer, -1 if never asked
        self.active = list(range(count))
        self.slot = list(range(count))  # index in self.active, or -1 once gone
        self.promoters = self.detractors = 0
        self.generation = 0
        self.reset_statistics(env._now)
        recorder.resettables.append(self)
        recorder.on_close(self._close)
        super().__init__(env, spec, stocks, lane, recorder, order_ids)
        if beh.acquisition_per_day or beh.acquisition_per_promoter:
            Call(env, 0, self._acquisition_day, None, DEMAND)
        recorder.customer_days.start(self.id, count)
        Call(env, 1.0, self._day_end, None, DAY_END)

    # -- statistics --------------------------------------------------------------------------

    def reset_statistics(self, now: float) -> None:
        """End of warm-up: zero the counters; the active customers now form the retention cohort."""
        self.new = self.churned = self.churned_orders = 0
        self.answers = self.promoter_answers = self.detractor_answers = self.complaints = 0
        self.churn_reasons: dict[str, int] = {}
        self.cohort = set(self.active)

    # -- demand ------------------------------------------------------------------------------

    def _schedule_next(self, event: Call | None = None) -> None:
        """Draw the next arrival from the current number of active customers.

        ``event``: the arrival being handled, put back on the queue as the next one (else a new
        event; an arrival drawn before the number changed stays queued and is ignored).
        """
        self.generation += 1
        n = len(self.active)
        if n:
            gap = self._unit_gap() / (n * self.per_customer)
            profile = self.profile
            if profile is not None:
                now = self.env._now
                gap = max(0.0, profile.inverse(profile.integral(now) + gap) - now)
            if event is None:
                Call(self.env, gap, self._arrive, self.generation, DEMAND)
            else:
                env = self.env
                event.callbacks, event.arg = self._again, self.generation
                heappush(env._queue, (env._now + gap, DEMAND, next(env._eid), event))

    def _start(self) -> None:
        self.per_customer = self.beh_rate
        self._schedule_next()

    def _arrive(self, event: Call) -> None:
        """An order from a random active customer (unless the rate changed since it was drawn)."""
        if event.arg != self.generation:
            return
        self._schedule_next(event)
        env = self.env
        active = self.active
        customer = active[int(self._choose() * len(active))]
        self.orders_of[customer] += 1
        stock = self._stocks[self._which()]
        rec = self.recorder
        now = env._now
        order = Order(next(self._ids), self, stock, self.quantity(), now, rec.measuring)
        order.customer = customer
        if rec.measuring and rec.end - now <= self.promised_days:  # could be not yet due at the end
            rec.open_orders[order.id] = order
        stock.demand(order)
        if order.remaining and self._notice:
            order.notified = True

    # -- what customers do with their experience ---------------------------------------------

    def experienced(self, order: Order, cycle: float | None) -> None:
        """An order is over (``cycle`` days after placement, or ``None`` if nothing was shipped)."""
        c = order.customer
        if self.slot[c] < 0:
            return  # the customer has already left
        beh = self.beh
        if cycle is None:
            days_late, short_share = 0.0, 1.0
        else:
            days_late = cycle - self.promised_days
            if days_late <= 0.0:
                days_late = 0.0
            short_share = order.lost / order.qty
        flawed = order.defective or order.damaged or order.wrong_item or order.substituted
        if days_late or short_share or flawed:
            score, mask = behaviour.experience(
                beh.sensitivity,
                days_late,
                order.notified,
                short_share,
                order.defective > 0,
                order.damaged > 0,
                order.wrong_item,
            )
            if order.substituted:  # took a substitute: a service event of its own
                score = behaviour.substituted(score, beh.sensitivity)
        else:
            score, mask = self._perfect
        # behaviour.update_satisfaction, written out (once per order), and the customer's band
        old = self.satisfaction[c]
        s = self.satisfaction[c] = self._keep * old + beh.memory * score
        self.bands[int(old * BANDS_PER_UNIT)] -= 1
        self.bands[int(s * BANDS_PER_UNIT)] += 1
        self.history[c] = ((self.history[c] << 6) | mask) & 0x3FFFF
        if beh.survey_rate and self._surveyed() < beh.survey_rate:
            self._survey(c, s)
        if mask and beh.complaint_probability and self._complain() < beh.complaint_probability:
            if self.recorder.measuring:
                self.complaints += 1
                self.recorder.complaints += 1
            if self.desk is not None:
                self.desk.complain(self, c)
        if self._stay() >= behaviour.stay_probability(s, beh.loyalty):
            self._leave(c)

    def _survey(self, c: int, s: float) -> None:
        noise = self._noise() if self._noise is not None else 0
        answer = behaviour.survey_answer(s, noise)
        self._set_answer(c, answer)
        if self.recorder.measuring:
            self.answers += 1
            self.promoter_answers += answer >= 9
            self.detractor_answers += answer <= 6

    def _set_answer(self, c: int, answer: int) -> None:
        """Keep the counts of active promoters and detractors in step with answers."""
        old = self.answer[c]
        self.promoters -= old >= 9
        self.detractors -= 0 <= old <= 6
        self.answer[c] = answer
        self.promoters += answer >= 9
        self.detractors += 0 <= answer <= 6

    def complaint_waited(self, c: int, wait_hours: float) -> None:
        """The service desk picked up customer ``c``'s complaint after ``wait_hours``."""
        if self.slot[c] < 0:
            return
        penalty = self.beh.sensitivity.complaint_wait_per_hour * wait_hours
        old = self.satisfaction[c]
        s = self.satisfaction[c] = max(0.0, old - penalty)
        self.bands[int(old * BANDS_PER_UNIT)] -= 1
        self.bands[int(s * BANDS_PER_UNIT)] += 1
        if wait_hours > SLOW_SERVICE_HOURS:
            self.history[c] |= behaviour.SLOW_SERVICE

    def _leave(self, c: int) -> None:
        """Customer ``c`` churns: record why, and slow the segment's order stream."""
        active, slot = self.active, self.slot
        i = slot[c]
        last = active.pop()
        if last != c:
            active[i] = last
            slot[last] = i
        slot[c] = -1
        self._set_answer(c, -1)
        self.bands[int(self.satisfaction[c] * BANDS_PER_UNIT)] -= 1
        if self.recorder.measuring:
            self.churned += 1
            self.churned_orders += self.orders_of[c]
            h = self.history[c]
            for reason in behaviour.reasons((h | h >> 6 | h >> 12) & 0x3F):
                self.churn_reasons[reason] = self.churn_reasons.get(reason, 0) + 1
        self._schedule_next()

    # -- word of mouth -----------------------------------------------------------------------

    def _acquisition_day(self, event: Call) -> None:
        """Once a day: draw today's new customers from the word-of-mouth rate."""
        beh = self.beh
        rate = beh.acquisition_per_day + beh.acquisition_per_promoter * self.promoters
        rate = max(0.0, rate - beh.acquisition_per_detractor * self.detractors)
        for offset in self._acq_rng.random(self._acq_rng.poisson(rate)):
            Call(self.env, float(offset), self._join, None, DEMAND)
        Call(self.env, 1.0, self._acquisition_day, None, DEMAND)

    def _join(self, event: Call) -> None:
        """A new customer arrives."""
        c = len(self.satisfaction)
        self.satisfaction.append(self.beh.initial_satisfaction)
        self.bands[int(self.beh.initial_satisfaction * BANDS_PER_UNIT)] += 1
        self.orders_of.append(0)
        self.history.append(0)
        self.answer.append(-1)
        self.slot.append(len(self.active))
        self.active.append(c)
        if self.recorder.measuring:
            self.new += 1
        self._schedule_next()

    # -- results -----------------------------------------------------------------------------

    def _day_end(self, event: Call | None = None) -> None:
        """A day is over: its customers go on record (one row a day, from running counts)."""
        ever, promoters, detractors = len(self.orders_of), self.promoters, self.detractors
        self.recorder.customer_days.record(
            self.env.now, self.id, len(self.active), ever, promoters, detractors, self.bands
        )
        if event is not None:
            Call(self.env, 1.0, self._day_end, None, DAY_END)

    def _close(self, end: float) -> None:
        """End of the run: write this segment's summary into the recorder."""
        self._day_end()  # the last day, when the run ends before it does
        active = self.active
        self.recorder.customer_days.record_end(self.id, self.bands)
        self.recorder.segments[self.id] = SegmentSummary(
            active_customers_end=len(active),
            new_customers=self.new,
            churned_customers=self.churned,
            retention_cohort=len(self.cohort),
            retained=sum(1 for c in self.cohort if self.slot[c] >= 0),
            satisfaction_mean=(
                sum(self.satisfaction[c] for c in active) / len(active) if active else None
            ),
            survey_answers=self.answers,
            promoter_answers=self.promoter_answers,
            detractor_answers=self.detractor_answers,
            complaints=self.complaints,
            churned_orders=self.churned_orders,
            churn_reasons=dict(sorted(self.churn_reasons.items())),
        )


#: A complaint picked up later than this (hours) counts as "slow_service" among churn reasons.
SLOW_SERVICE_HOURS = 24.0
