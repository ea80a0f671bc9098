"""The warehouse: stock per product, reviews, backorders or lost sales, picking and shipping.

The rules, in the order they apply to a customer order for ``q`` units of one product:

1. Units on hand are allocated at once, up to ``q`` (they count towards the fill rate).
2. The shortfall is backordered (served first come first served as deliveries arrive) or, in
   lost-sale mode, lost.
3. Under continuous review the policy is asked right after the demand whether to order.
4. Once every unit is allocated (or, with lost sales, whatever was available), the order is
   released to picking: a free picker takes it, or it waits its turn.
5. The picked order leaves by the segment's outbound carrier and is delivered after the transit.

Time-weighted levels (on hand, backorders, on order) are kept as running areas, updated on every
change, so their averages cost nothing to measure.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from simulator.config.schema import Picking
from simulator.distributions import uniform_sampler
from simulator.events import FLOW, REVIEW, Call
from simulator.policies import Rule
from simulator.records import Order, ProductTally, Recorder
from simulator.rng import Streams

if TYPE_CHECKING:
    import numpy as np
    import simpy

    from simulator.entities.supplier import SupplierNode


class Stock:
    """One product's stock at the warehouse and its replenishment.

    Args:
        env: the SimPy environment.
        pid: product id.
        price: selling price per unit.
        rule: the resolved replenishment rule.
        supplier: who replenishes it.
        initial: units on hand at time 0.
        backorder: ``True`` to backorder unmet demand, ``False`` to lose it.
        warehouse: the warehouse (picking and shipping).
        recorder: where facts go.
        rng: stream for drawing which allocated units are defective.
    """

    def __init__(
        self,
        env: simpy.Environment,
        pid: str,
        price: float,
        rule: Rule,
        supplier: SupplierNode,
        initial: int,
        backorder: bool,
        warehouse: WarehouseNode,
        recorder: Recorder,
        rng: np.random.Generator,
    ) -> None:
        self.env = env
        self.pid = pid
        self.price = price
        self.rule = rule
        self.continuous = rule.review_days is None
        self.supplier = supplier
        self.backorder_mode = backorder
        self.warehouse = warehouse
        self.recorder = recorder
        self.tally: ProductTally = recorder.product(pid)
        self._rng = rng
        self.consigned = False  # VMI on consignment: the supplier owns the stock until sold
        self.sourcing = None  # a Sourcing rule with several suppliers, else None
        self.suppliers: dict[str, SupplierNode] = {}
        self.expedite = None  # (backorder threshold, express lane) when expediting is on
        self.sales = None  # DailyTotals of demand, when a forecast needs it
        self.plant_signal = None  # the supplier plant's DailyTotals, when it is fed sales (VMI)
        self.forecaster = None  # the policy's forecaster (warehouse-driven forecast rules)
        self.supplier_demand: list = []  # daily demand series of suppliers' plants to feed
        self.on_hand = initial
        self.on_order = 0
        self.backorders = 0
        self.defective_on_hand = 0
        self.backlog: deque[Order] = deque()
        # conservation counters over the whole run (never reset)
        self.initial = initial
        self.accepted_total = 0
        self.rejected_total = 0
        self.allocated_total = 0
        self.restocked_total = 0
        self.scrapped_total = 0
        # time-weighted levels
        self._t = env.now
        self._t0 = env.now
        self.area_on_hand = 0.0
        self.area_backorders = 0.0
        self.area_on_order = 0.0
        recorder.resettables.append(self)

    # -- levels ----------------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """Inventory position: on hand + on order - backorders."""
        return self.on_hand + self.on_order - self.backorders

    def _mark(self, now: float) -> None:
        """Accumulate the level areas up to ``now`` (call before any level changes)."""
        dt = now - self._t
        if dt:
            self.area_on_hand += self.on_hand * dt
            self.area_backorders += self.backorders * dt
            self.area_on_order += self.on_order * dt
            self._t = now

    def reset_statistics(self, now: float) -> None:
        """Restart the time averages at ``now`` (end of warm-up)."""
        self._mark(now)
        self.area_on_hand = self.area_backorders = self.area_on_order = 0.0
        self._t0 = now

    def _log(self, event: str, order: object, units: int, detail: str = "") -> None:
        self.recorder.log(
            self.env.now, event, order, self.pid, units, self.on_hand, self.backorders, detail
        )

    # -- replenishment -----------------------------------------------------------------------------

    def review(self) -> None:
        """Ask the policy whether to order, and order if it says so."""
        forecast = 0.0
        if self.forecaster is not None:
            self.sales.close_until(self.env.now)
            forecast = self.forecaster.value
        units = self.rule.order_quantity(self.position, forecast)
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
        now = self.env.now
        self._mark(now)
        self.on_order += units
        rec = self.recorder
        lane = None
        if self.expedite is not None and self.backorders > self.expedite[0]:
            lane = self.expedite[1]
        if rec.measuring:
            tally = self.tally
            tally.po_count += 1
            tally.po_units += units
            day = rec.day(now)
            tally.daily_ordered.add(day, units)
            rec.daily_ordered.add(day, units)
            tally.expedited += lane is not None
        for supplier, part in self._split(units, now):
            po = supplier.order(self, part, lane=lane, vmi=vmi)
            if rec.trace is not None:
                self._log("po_placed", po, part, supplier.id)

    def _split(self, units: int, now: float) -> list[tuple[SupplierNode, int]]:
        """Which supplier gets how many units, by the sourcing rule."""
        rule = self.sourcing
        if rule is None:
            return [(self.supplier, units)]
        if rule.rule == "backup":
            if self.supplier.is_down(now):
                return [(self.suppliers[rule.backup], units)]
            return [(self.supplier, units)]
        # split by shares, largest remainders first, so the parts add up to the order
        shares = sorted(rule.shares.items())
        exact = [(sid, units * share) for sid, share in shares]
        parts = {sid: int(x) for sid, x in exact}
        left = units - sum(parts.values())
        for sid, _ in sorted(exact, key=lambda item: (int(item[1]) - item[1], item[0]))[:left]:
            parts[sid] += 1
        return [(self.suppliers[sid], n) for sid, n in sorted(parts.items()) if n > 0]

    def receive(self, accepted: int, defective: int, rejected: int, supplier: SupplierNode) -> None:
        """A delivery is put away.

        ``accepted`` units go on the shelf (``defective`` of them unnoticed); ``rejected`` units,
        found defective or damaged, go back to the supplier and are ordered again.
        """
        now = self.env.now
        self._mark(now)
        self.on_order -= accepted + rejected
        self.on_hand += accepted
        self.defective_on_hand += defective
        self.accepted_total += accepted
        self.rejected_total += rejected
        if self.recorder.measuring:
            self.tally.units_received += accepted
        if self.recorder.trace is not None:
            self._log("po_received", "", accepted, f"rejected={rejected}")
        self._serve_backlog(now)
        if rejected:
            self.on_order += rejected
            po = supplier.order(self, rejected, order_cost=False)
            if self.recorder.trace is not None:
                self._log("po_reordered", po, rejected, supplier.id)

    def restock(self, good: int, scrapped: int) -> None:
        """Units of a customer return: ``good`` go back on the shelf, ``scrapped`` are destroyed."""
        now = self.env.now
        self._mark(now)
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
            bad = int(
                self._rng.hypergeometric(
                    self.defective_on_hand, self.on_hand - self.defective_on_hand, units
                )
            )
            self.defective_on_hand -= bad
            order.defective += bad
        self.on_hand -= units
        self.allocated_total += units
        if self.recorder.measuring:
            self.tally.shipped_units += units
            if self.consigned:
                self.supplier.pay(self, units)  # consignment: paid for when sold

    def demand(self, order: Order) -> None:
        """A customer order arrives for this product."""
        now = self.env.now
        self._mark(now)
        qty = order.qty
        avail = self.on_hand if self.on_hand < qty else qty
        if avail:
            self._allocate(order, avail)
            order.filled_now = avail
        short = qty - avail
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
            day = self.recorder.day(now)
            tally.daily_demand.add(day, qty)
            self.recorder.daily_demand.add(day, qty)
            for series in self.supplier_demand:
                series.add(day, qty)
        if short:
            if self.backorder_mode:
                self.backorders += short
                order.remaining = short
                self.backlog.append(order)
            else:
                order.lost = short
                if order.measured:
                    self.tally.lost_units += short
        if self.recorder.trace is not None:
            self._log("order_placed", order.id, qty, f"filled={avail}")
        if self.continuous:
            self.review()
        if not short or (avail and not self.backorder_mode):
            order.t_allocated = now
            self.warehouse.release(order)
        elif not self.backorder_mode:
            self.warehouse.close_unserved(order)


class WarehouseNode:
    """Picking and shipping of released orders.

    Args:
        env: the SimPy environment.
        picking: the picking stage, or ``None`` for instant, error-free picking.
        streams: the run's random streams.
        recorder: where facts go.
    """

    def __init__(
        self,
        env: simpy.Environment,
        picking: Picking | None,
        streams: Streams,
        recorder: Recorder,
    ) -> None:
        self.env = env
        self.recorder = recorder
        self.stocks: dict[str, Stock] = {}
        self.picking = picking
        self.queue: deque[Order] = deque()
        self.busy = 0
        self.returns = None  # the ReturnsNode, when returns are modelled
        if picking is not None:
            self.workers = picking.workers
            self.pick_hours = picking.pick_hours.sampler(streams.generator("picking/time"))
            self.error_rate = picking.error_rate
            self._u = uniform_sampler(streams.generator("picking/errors"))

    def release(self, order: Order) -> None:
        """An order is fully allocated: pick it now if a picker is free, else queue it."""
        if self.picking is None:
            order.t_picked = self.env.now
            self.ship(order)
        elif self.busy < self.workers:
            self.busy += 1
            Call(self.env, self.pick_hours() / 24.0, self._picked, order, FLOW)
        else:
            self.queue.append(order)

    def _picked(self, event: Call) -> None:
        """A picker finishes an order: ship it and take the next one waiting."""
        order: Order = event.arg
        order.t_picked = self.env.now
        if self.error_rate and self._u() < self.error_rate:
            order.wrong_item = True
        if self.recorder.measuring:
            self.recorder.cost_handling += self.picking.cost_per_order
        self.ship(order)
        if self.queue:
            Call(self.env, self.pick_hours() / 24.0, self._picked, self.queue.popleft(), FLOW)
        else:
            self.busy -= 1

    def ship(self, order: Order) -> None:
        """Hand the order to the segment's outbound carrier."""
        now = self.env.now
        order.t_shipped = now
        lane = order.segment.lane
        units = order.qty - order.lost
        if lane.active:
            lane.charge(units)
            order.damaged = lane.damaged(units - order.defective)
            self.recorder.shipments_out += self.recorder.measuring
        if lane.instant:
            self.deliver(order)
        else:
            transit = lane.transit()
            if transit > 0:
                Call(self.env, transit, self._arrived, order, FLOW)
            else:
                self.deliver(order)

    def _arrived(self, event: Call) -> None:
        self.deliver(event.arg)

    def deliver(self, order: Order) -> None:
        """The customer receives the order: score it."""
        now = self.env.now
        order.t_delivered = now
        stock: Stock = order.product
        rec = self.recorder
        units = order.qty - order.lost
        if order.replacement:
            if rec.trace is not None:
                rec.log(now, "replacement_delivered", order.id, stock.pid, units)
            return
        if rec.measuring:
            stock.tally.revenue += units * stock.price
        if order.measured:
            tally = stock.tally
            cycle = now - order.t_placed
            on_time = cycle <= order.segment.promised_days + 1e-9
            in_full = order.lost == 0
            tally.delivered += 1
            tally.units_delivered += units
            rec.record_cycle(tally, cycle)
            if on_time:
                tally.on_time += 1
                if in_full:
                    tally.otif += 1
                    if not (order.defective or order.damaged or order.wrong_item):
                        tally.perfect += 1
            if order.defective:
                tally.defective_orders += 1
            if order.damaged:
                tally.damaged_orders += 1
            if order.wrong_item:
                tally.wrong_orders += 1
            rec.open_orders.pop(order.id, None)
        if rec.trace is not None:
            rec.log(
                now,
                "delivered",
                order.id,
                stock.pid,
                units,
                "",
                "",
                f"cycle={now - order.t_placed:.6g}",
            )
        if self.returns is not None:
            self.returns.consider(order)
        if order.segment.behaves:
            order.segment.experienced(order, now - order.t_placed)

    def close_unserved(self, order: Order) -> None:
        """A lost-sale order with nothing in stock: nothing is shipped; the order is closed."""
        self.recorder.open_orders.pop(order.id, None)
        if order.segment.behaves and not order.replacement:
            order.segment.experienced(order, None)


class VendorReview:
    """The supplier's side of vendor-managed inventory for one product.

    At each of its reviews the supplier estimates demand (from sales it sees as they happen, or,
    seeing only the stock level, from the consumption it infers: stock before + deliveries since
    - stock now) and applies the VMI rule to the warehouse's position (on hand + in transit -
    backorders). What it decides to ship needs no purchase order, so no processing time.

    Args:
        env: the SimPy environment.
        stock: the warehouse stock the supplier manages.
        forecaster: the supplier's forecaster of daily demand.
        plant: the supplier's plant for this product, or ``None``.
    """

    def __init__(self, env: simpy.Environment, stock: Stock, forecaster, plant=None) -> None:
        self.env = env
        self.stock = stock
        self.rule = stock.rule
        self.forecaster = forecaster
        self.plant = plant
        self._seen = None  # (on hand, accepted, restocked) at the previous review
        Call(env, 0, self._review, None, REVIEW)

    def _review(self, event: Call) -> None:
        stock = self.stock
        now = self.env.now
        if self.rule.information == "sales":
            stock.sales.close_until(now)
            forecast = self.forecaster.value
        else:
            seen = (stock.on_hand, stock.accepted_total, stock.restocked_total)
            forecast = self.forecaster.value
            if self._seen is not None:
                before, accepted, restocked = self._seen
                used = before - seen[0] + (seen[1] - accepted) + (seen[2] - restocked)
                forecast = self.forecaster.update(used / self.rule.review_days)
                if self.plant is not None:
                    self.plant.signal.add(now, used)
            self._seen = seen
        units = self.rule.order_quantity(stock.position, forecast)
        if units > 0:
            stock.place(units, vmi=True)
        Call(self.env, self.rule.review_days, self._review, None, REVIEW)
