"""Closed-form results from inventory and queueing theory, used to check the simulator.

Every function here is pure: it takes plain numbers, returns a float or a dict of floats,
keeps no state and never simulates. The inventory formulas assume unit Poisson demand
(one unit per customer) and full backordering unless stated otherwise.

- :mod:`~simulator.theory.poisson`: accurate Poisson probabilities and loss functions (the
  numerical notes are there);
- :mod:`~simulator.theory.inventory`: (r, Q), one-for-one base stock and periodic review;
- :mod:`~simulator.theory.queues`: Erlang B and C, and base stock with lost sales;
- :mod:`~simulator.theory.serial`: two sites in series under one-for-one base stock;
- :mod:`~simulator.theory.identities`: the bullwhip ratio, geometric loyalty, Little's law.

References:
    Chen, F., Drezner, Z., Ryan, J. K. and Simchi-Levi, D. (2000). Quantifying the
        bullwhip effect in a simple supply chain. Management Science 46(3), 436-443.
    Eppen, G. D. (1979). Effects of centralization on expected costs in a multi-location
        newsboy problem. Management Science 25(5), 498-501.
    Erlang, A. K. (1917). Solution of some problems in the theory of probabilities of
        significance in automatic telephone exchanges. Elektroteknikeren 13.
    Hadley, G. and Whitin, T. M. (1963). Analysis of Inventory Systems. Prentice-Hall.
    Little, J. D. C. (1961). A proof for the queuing formula L = lambda W.
        Operations Research 9(3), 383-387.
    Palm, C. (1938). Analysis of the Erlang traffic formula for busy-signal arrangements.
        Ericsson Technics 5, 39-58.
    Sevastyanov, B. A. (1957). An ergodic theorem for Markov processes and its
        application to telephone systems with refusals. Theory of Probability and its
        Applications 2(1), 104-112.
    Zipkin, P. H. (2000). Foundations of Inventory Management. McGraw-Hill.
"""

from simulator.theory.identities import chen_bullwhip, geometric_orders_mean, littles_law
from simulator.theory.inventory import (
    base_stock_level_for_fill_rate,
    base_stock_poisson,
    periodic_base_stock,
    periodic_base_stock_fill_rate,
    rq_poisson_backorder,
)
from simulator.theory.poisson import poisson_loss
from simulator.theory.queues import erlang_b, erlang_c, lost_sales_base_stock
from simulator.theory.serial import serial_base_stock_poisson

__all__ = [
    "base_stock_level_for_fill_rate",
    "base_stock_poisson",
    "chen_bullwhip",
    "erlang_b",
    "erlang_c",
    "geometric_orders_mean",
    "littles_law",
    "lost_sales_base_stock",
    "periodic_base_stock",
    "periodic_base_stock_fill_rate",
    "poisson_loss",
    "rq_poisson_backorder",
    "serial_base_stock_poisson",
]
