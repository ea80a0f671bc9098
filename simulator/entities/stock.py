"""One product's stock at the warehouse: allocation, backorders or lost sales, replenishment.

The rules, in the order they apply to a customer order for ``q`` units of one product:

1. Units on hand are allocated at once, up to ``q`` (they count towards the fill rate).
2. The shortfall is backordered (served first come first served as deliveries arrive) or, in
   lost-sale mode, lost.
3. Under continuous review the policy is asked right after the demand whether to order.
4. Once every unit is allocated (or, with lost sales, whatever was available), the order is
   released to the warehouse's picking and shipping.

Time-weighted levels (on hand, backorders, on order) go to a level monitor of the recorder just
before every change, so their averages cost nothing to measure.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from simulator.entities.ports import Outbound, Source
from simulator.events import REVIEW, Call
from simulator.orders import Order
from simulator.records import Recorder
from simulator.samplers import hypergeometric_sampler
from simulator.series import DayBook
from simulator.specs import StockSpec
from simulator.tallies import ProductTally

if TYPE_CHECKING:
    import simpy

    from simulator.entities.carrier import Lane
    from simulator.forecast import DailyTotals, Forecaster
    from simulator.series import DailySeries


class Stock:
    """One product's stock at the warehouse and its replenishment.

    Args:
        env: the SimPy environment.
        spec: the product's stock.
        recorder: where facts go.
        warehouse: where allocated orders go (picking and shipping).
        suppliers: every supplier of the product, by id.
        express: the express lane when expediting is on, else ``None``.
        feeds: daily demand series of suppliers' plants to feed with this product's demand.
        forecaster: the policy's forecaster (warehouse-driven forecast rules), else ``None``.
        sales: daily totals of demand feeding a forecast (the policy's or, under VMI, the
            supplier's), else ``None``.
        plant_signal: the supplier plant's daily totals, when it is fed sales (VMI), else ``None``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        spec: StockSpec,
        recorder: Recorder,
        warehouse: Outbound,
        suppliers: dict[str, Source],
        express: Lane | None = None,
        feeds: tuple[DailySeries, ...] = (),
        forecaster: Forecaster | None = None,
        sales: DailyTotals | None = None,
        plant_signal: DailyTotals | None = None,
    ) -> None:
        self.env = env
        self.pid = spec.pid
        self.price = spec.price
        self.rule = spec.rule
        self.continuous = spec.rule.review_days is None
        self.supplier = suppliers[spec.primary]
        self.suppliers = suppliers
        self.sourcing = spec.sourcing
        self.backorder_mode = spec.backorder
        self.consigned = spec.consigned  # VMI on consignment: the supplier's until sold
        self.warehouse = warehouse
        self.recorder = recorder
        self.key, self.site = spec.key, spec.site
        self.external = not spec.source_site
        self.tally: ProductTally = recorder.product(spec.key)
        self.levels = recorder.stock_levels(spec.key, env._now)
        # orders from downstream sites, tallied apart from customer orders
        self.downstream = recorder.product(f"{spec.key}>downstream") if spec.downstream else None
        self._bad_picks = hypergeometric_sampler(spec.defective_picks)
        self.expedite = None if express is None else (spec.expedite_above, express)
        # today's demand, added to the product's, the chain's and the suppliers' daily series
        self.day_book = DayBook((self.tally.daily_demand, recorder.daily_demand, *feeds))
        self._chain_ordered = recorder.daily_ordered if self.external else None  # not a site's
        self.forecaster = forecaster
        self.sales = sales
        self.plant_signal = plant_signal
        self.on_hand = spec.initial
        self.on_order = 0
        self.backorders = 0
        self.defective_on_hand = 0
        self.backlog: deque[Order] = deque()
        # a continuous review is asked for only at or below it (the rule never orders above it)
        quiet = None if forecaster is not None else spec.rule.quiet_above
        self.trigger = math.inf if quiet is None else quiet
        # conservation counters over the whole run (never reset)
        self.initial = spec.initial
        self.accepted_total = self.rejected_total = self.allocated_total = 0
        self.restocked_total = self.scrapped_total = 0
        recorder.on_close(self._close)

    @property
    def position(self) -> int:
        """Inventory position: on hand + on order - backorders."""
        return self.on_hand + self.on_order - self.backorders

    def _close(self, end: float) -> None:
        self.levels.mark(end, self.on_hand, self.backorders, self.on_order)
        self.tally.settle(self.price)

    def _log(self, event: str, order: object, units: int, *rest: str | bool) -> None:
        """A trace row with this stock's levels; ``rest``: detail, replacement, segment."""
        row = (self.env._now, event, order, self.pid, units, self.on_hand, self.backorders)
        self.recorder.log(*row, *rest, site=self.site)

    # -- replenishment -----------------------------------------------------------------------------

    def review(self) -> None:
        """Ask the policy whether to order, and order if it says so."""
        forecast = 0.0
        if self.forecaster is not None:
            self.sales.close_until(self.env._now)
            forecast = self.forecaster.value
        # the inventory position, written out (not :attr:`position`): one call less per order
        position = self.on_hand + self.on_order - self.backorders
        units = self.rule.order_quantity(position, forecast)
        if units > 0:
            self.place(units)

    def periodic_review(self, event: Call | None = None) -> None:
        """A scheduled review; schedules the next one."""
        self.review()
        Call(self.env, self.rule.review_days, self.periodic_review, None, REVIEW)

    def place(self, units: int, vmi: bool = False) -> None:
        """Order ``units`` units (or, under VMI, receive the supplier's decision to ship them).

        The sourcing rule picks the supplier(s); with expediting on and backorders above the
        threshold, the goods ride the express carrier.
        """
        now = self.env._now
        self.levels.mark(now, self.on_hand, self.backorders, self.on_order)
        self.on_order += units
        rec = self.recorder
        tally = self.tally
        lane = None
        if self.expedite is not None and self.backorders > self.expedite[0]:
            lane = self.expedite[1]
        measuring = rec.measuring
        if measuring:
            self._count_ordered(now, units)
            tally.expedited += lane is not None
        rule = self.sourcing
        down = rule.watches_outage and self.supplier.is_down(now)
        for sid, part in rule.parts(units, down):
            supplier = self.suppliers[sid]
            po = supplier.order(self, part, lane=lane, vmi=vmi)
            if measuring:
                # each supplier's part is a purchase order of its own, with its own order cost
                tally.po_count += 1
                if not vmi:
                    tally.cost_ordering += supplier.order_cost
            if rec.trace is not None:
                self._log("po_placed", po, part, supplier.id)

    def _count_ordered(self, now: float, units: int) -> None:
        """Units ordered upstream today: the bullwhip ratio's numerator."""
        self.tally.po_units += units
        day = min(self.recorder.days - 1, int(now - self.recorder.warmup))  # recorder.day(now)
        self.tally.daily_ordered.add(day, units)
        if self._chain_ordered is not None:
            self._chain_ordered.add(day, units)

    def alone(self) -> None:
        """This is the chain's only stock: its daily series are the chain's, added up once."""
        rec = self.recorder
        self.day_book.feeds = tuple(f for f in self.day_book.feeds if f is not rec.daily_demand)
        rec.daily_demand, rec.daily_ordered = self.tally.daily_demand, self.tally.daily_ordered
        self._chain_ordered = None

    def receive(self, accepted: int, defective: int, rejected: int, source: Source) -> None:
        """A delivery is put away, and paid for unless the stock is consigned.

        ``accepted`` units go on the shelf (``defective`` of them unnoticed); ``rejected`` units,
        found defective or damaged, go back to the supplier and are ordered again.
        """
        now = self.env._now
        if self.recorder.measuring and not self.consigned:
            self.tally.cost_purchase += source.pay(self.pid, accepted)
        self.levels.mark(now, self.on_hand, self.backorders, self.on_order)
        self.on_order -= accepted + rejected
        self.on_hand += accepted
        self.defective_on_hand += defective
        self.accepted_total += accepted
        self.rejected_total += rejected
        if self.recorder.measuring:
            self.tally.units_received += accepted
        if self.recorder.trace is not None:
            self._log("po_received", "", accepted, f"rejected={rejected}")
        if self.backlog:
            self._serve_backlog(now)
        if rejected:
            self.on_order += rejected
            po = source.order(self, rejected, order_cost=False)
            if self.recorder.measuring:
                # a re-order is a purchase order too (free of order cost): it is demand upstream
                self.tally.po_count += 1
                self._count_ordered(now, rejected)
            if self.recorder.trace is not None:
                self._log("po_reordered", po, rejected, source.id)

    def restock(self, good: int, scrapped: int) -> None:
        """Units of a customer return: ``good`` go back on the shelf, ``scrapped`` are destroyed."""
        now = self.env._now
        self.levels.mark(now, self.on_hand, self.backorders, self.on_order)
        self.on_hand += good
        self.restocked_total += good
        self.scrapped_total += scrapped
        if self.recorder.trace is not None:
            self._log("return_restocked", "", good, f"scrapped={scrapped}")
        self._serve_backlog(now)

    def _serve_backlog(self, now: float) -> None:
        """Allocate units on hand to backordered orders, first come first served.

        Completed orders are released only after the allocation: releasing one can deliver it at
        once (instant picking and transit) and start a return that restocks this very product, so
        releasing inside the loop would re-enter it half-way.
        """
        backlog = self.backlog
        completed = []
        while backlog and self.on_hand:
            order = backlog[0]
            take = min(order.remaining, self.on_hand)
            self._allocate(order, take)
            order.remaining -= take
            self.backorders -= take
            if order.remaining == 0:
                backlog.popleft()
                order.t_allocated = now
                completed.append(order)
        for order in completed:
            self.warehouse.release(order)

    # -- demand ------------------------------------------------------------------------------------

    def _allocate(self, order: Order, units: int) -> None:
        """Take ``units`` units off the shelf for ``order``."""
        if self.defective_on_hand:
            bad = self._bad_picks(
                self.defective_on_hand, self.on_hand - self.defective_on_hand, units
            )
            self.defective_on_hand -= bad
            order.defective += bad
        self.on_hand -= units
        self.allocated_total += units
        if self.recorder.measuring:
            self.tally.shipped_units += units
            if self.consigned:  # consignment: paid for when sold
                self.tally.cost_purchase += self.supplier.pay(self.pid, units)

    def transfer(self, order: Order) -> None:
        """An order from a downstream site: allocated like a customer order.

        A shortfall always waits (first come first served with customer orders), whatever the
        site does with its customers' unmet demand.
        """
        now = self.env._now
        self.levels.mark(now, self.on_hand, self.backorders, self.on_order)
        qty = order.qty
        avail = self.on_hand if self.on_hand < qty else qty
        if avail:
            self._allocate(order, avail)
            order.filled_now = avail
        short = qty - avail
        if self.sales is not None:
            self.sales.add(now, qty)
        if order.measured:
            tally = self.downstream
            tally.orders += 1
            tally.units += qty
            tally.filled_units += avail
            tally.filled_orders += not short
        if short:
            self.backorders += short
            order.remaining = short
            self.backlog.append(order)
        if self.recorder.trace is not None:
            self._log("transfer_placed", order.id, qty, f"filled={avail}")
        if self.continuous:
            self.review()
        if not short:
            order.t_allocated = now
            self.warehouse.release(order)

    def sell(self, qty: int, now: float) -> bool:
        """A customer order for ``qty`` units, sold from the shelf and delivered at once if it can.

        Only for an instant outbound path (no picking, ideal carrier, no returns, no trace,
        customers without memory): an order the shelf fills at once needs no :class:`Order`;
        it is counted as filled, delivered, on time, in full and perfect at ``now``.

        Returns:
            ``False`` (and nothing done) when the shelf cannot fill it with good units at once.
        """
        on_hand = self.on_hand
        if on_hand < qty or self.defective_on_hand:
            return False
        levels = self.levels  # the level monitor's mark, written out: this is the hot path
        dt = now - levels.t
        if dt:
            levels.on_hand += on_hand * dt
            levels.backorders += self.backorders * dt
            levels.on_order += self.on_order * dt
            levels.t = now
        self.on_hand = on_hand - qty
        self.allocated_total += qty
        if self.sales is not None:
            self.sales.add(now, qty)
            if self.plant_signal is not None:
                self.plant_signal.add(now, qty)
        rec = self.recorder
        if rec.measuring:
            tally = self.tally
            tally.sold += 1  # counted as filled, delivered, on time and perfect at the end
            tally.sold_units += qty
            if self.consigned:
                tally.cost_purchase += self.supplier.pay(self.pid, qty)
            if now >= rec.day_safe:  # today's day book gets the units
                rec.to_day(now)
            book = self.day_book
            if not book.units:
                rec.day_books.append(book)
            book.units += qty
        if self.continuous and on_hand - qty + self.on_order - self.backorders <= self.trigger:
            self.review()
        return True

    def demand(self, order: Order) -> None:
        """A customer order arrives for this product."""
        now = self.env._now
        levels = self.levels  # the level monitor's mark, written out (as in sell)
        dt = now - levels.t
        if dt:
            levels.on_hand += self.on_hand * dt
            levels.backorders += self.backorders * dt
            levels.on_order += self.on_order * dt
            levels.t = now
        qty = order.qty
        avail = self.on_hand if self.on_hand < qty else qty
        if avail:
            self._allocate(order, avail)
            order.filled_now = avail
        short = qty - avail
        waits = self.backorder_mode or order.waits  # its shortfall is backordered, not lost
        if self.sales is not None and not order.replacement:
            self.sales.add(now, qty)
            if self.plant_signal is not None:
                self.plant_signal.add(now, qty)
        if order.measured:
            tally = self.tally
            tally.orders += 1
            tally.units += qty
            tally.filled_units += avail
            if not short:
                tally.filled_orders += 1
            rec = self.recorder  # today's day book gets the units (as in sell)
            if now >= rec.day_safe:
                rec.to_day(now)
            book = self.day_book
            if not book.units:
                rec.day_books.append(book)
            book.units += qty
        if short:
            if waits:
                self.backorders += short
                order.remaining = short
                self.backlog.append(order)
            else:
                order.lost = short
                if order.measured:
                    self.tally.lost_units += short
        if self.recorder.trace is not None:
            seg = order.segment.id
            self._log("order_placed", order.id, qty, f"filled={avail}", order.replacement, seg)
        if self.continuous and self.on_hand + self.on_order - self.backorders <= self.trigger:
            self.review()
        if not short or (avail and not waits):
            order.t_allocated = now
            self.warehouse.release(order)
        elif not waits:
            self.warehouse.close_unserved(order)
