"""Whole-network checks and look-ups: unknown sites, cycles, products nobody replenishes.

:func:`network_checks` finds what one field of a ``sites:`` scenario cannot see: lanes to unknown
sites, sites replenishing each other in a circle, a product a site stocks that nobody
replenishes, a segment served by a site that does not exist. The look-ups say where a site's
product comes from and which site serves a segment, for the build step.
"""

from __future__ import annotations

from simulator.config.network import Site
from simulator.config.scenario import Scenario
from simulator.config.sourcing_checks import sourcing_checks


def is_network(sc: Scenario) -> bool:
    """Whether the scenario lists ``sites:`` rather than one ``warehouse:``."""
    return sc.warehouse is None


def source_of(sc: Scenario, site: Site, pid: str) -> str | None:
    """Where ``site`` replenishes ``pid`` from (its primary source).

    Its ``replenish_from``, else its sourcing rule's primary supplier (named, or the largest
    share of a split), else the first supplier listing the product.
    """
    named = site.replenish_from.get(pid)
    if named is not None:
        return named
    rule = site.sourcing.get(pid)
    if rule is not None and rule.primary is not None:
        return rule.primary
    if rule is not None and rule.rule == "split" and rule.shares:
        return max(rule.shares, key=rule.shares.get)
    first = next((s for s in sc.suppliers if pid in s.products), None)
    return None if first is None else first.id


def segment_site(sc: Scenario, index: int) -> str:
    """The id of the site serving segment ``index`` (its ``site``, else the only site)."""
    seg = sc.customers.segments[index]
    if seg.site is not None:
        return seg.site
    return sc.sites[0].id


def network_checks(sc: Scenario) -> list[tuple[str, str]]:
    """Every whole-network problem of a ``sites:`` scenario, as ``(field path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    if not sc.sites:
        return problems
    sites = {s.id: i for i, s in enumerate(sc.sites)}
    suppliers = {s.id: s for s in sc.suppliers}
    products = {p.id for p in sc.products}
    carriers = {c.id for c in sc.carriers}
    known_sites = ", ".join(sites)

    for i, site in enumerate(sc.sites):
        if sites[site.id] != i:
            problems.append((f"sites.{i}.id", f"duplicate id {site.id!r}"))
        problems += _site_parts(sc, i, sites, carriers)
        for pid in list(site.policies) + list(site.initial_stock):
            if pid not in products:
                problems.append((f"sites.{i}.policies.{pid}", f"unknown product {pid!r}"))
        for pid, src in site.replenish_from.items():
            path = f"sites.{i}.replenish_from.{pid}"
            if pid not in site.policies:
                problems.append((path, f"{site.id!r} has no policy for {pid!r}"))
            elif src in suppliers:
                if pid not in suppliers[src].products:
                    problems.append((path, f"supplier {src!r} does not supply {pid!r}"))
            elif src not in sites:
                problems.append((path, f"unknown supplier or site {src!r}"))
            elif pid not in sc.sites[sites[src]].policies:
                problems.append((path, f"site {src!r} does not stock {pid!r}"))
        for pid in site.policies:
            if (
                pid in products
                and pid not in site.replenish_from
                and source_of(sc, site, pid) is None
            ):
                problems.append(
                    (
                        f"sites.{i}.replenish_from.{pid}",
                        f"nobody replenishes {pid!r} at {site.id!r}",
                    )
                )
    problems += _cycles(sc, sites)
    problems += _echelon(sc)
    problems += _lateral(sc, sites, carriers)

    for i, ln in enumerate(sc.lanes):
        if ln.origin not in sites and ln.origin not in suppliers:
            problems.append((f"lanes.{i}.origin", f"unknown supplier or site {ln.origin!r}"))
        if ln.destination not in sites:
            problems.append(
                (
                    f"lanes.{i}.destination",
                    f"unknown site {ln.destination!r} (sites: {known_sites})",
                )
            )
        if ln.carrier is not None and ln.carrier not in carriers:
            problems.append((f"lanes.{i}.carrier", f"unknown carrier {ln.carrier!r}"))
    for i, site in enumerate(sc.sites):
        if site.inbound_carrier is not None and site.inbound_carrier not in carriers:
            problems.append(
                (f"sites.{i}.inbound_carrier", f"unknown carrier {site.inbound_carrier!r}")
            )

    for i, seg in enumerate(sc.customers.segments):
        path = f"customers.segments.{i}.site"
        if seg.site is None and len(sc.sites) > 1:
            problems.append((path, f"several sites ({known_sites}): name the one serving it"))
            continue
        if seg.site is not None and seg.site not in sites:
            problems.append((path, f"unknown site {seg.site!r} (sites: {known_sites})"))
            continue
        j = sites[segment_site(sc, i)]
        for pid, share in seg.product_mix.items():
            if share > 0 and pid in products and pid not in sc.sites[j].policies:
                problems.append(
                    (
                        f"sites.{j}.policies",
                        f"{pid!r} is ordered by customers.segments.{i} but "
                        f"{sc.sites[j].id!r} has no policy for it",
                    )
                )
        problems += _fallback(sc, i, sites, carriers)
    return problems


def _site_parts(
    sc: Scenario, i: int, sites: dict[str, int], carriers: set[str]
) -> list[tuple[str, str]]:
    """A site's sourcing rules (among suppliers only) and the carriers of its parts."""
    site = sc.sites[i]
    problems = []
    for part in ("expedite", "returns"):
        cid = getattr(getattr(site, part), "carrier", None)
        if cid is not None and cid not in carriers:
            problems.append((f"sites.{i}.{part}.carrier", f"unknown carrier {cid!r}"))
    for pid, rule in site.sourcing.items():
        path = f"sites.{i}.sourcing.{pid}"
        src = site.replenish_from.get(pid)
        if pid not in site.policies:
            problems.append((path, f"{site.id!r} has no policy for {pid!r}"))
        elif src in sites:
            problems.append(
                (
                    path,
                    f"{pid!r} comes from site {src!r}: a sourcing rule chooses among suppliers "
                    "(replenish it from a supplier, or leave the rule out)",
                )
            )
        elif src is not None and rule.primary is not None and rule.primary != src:
            problems.append((f"{path}.primary", f"differs from replenish_from.{pid} ({src!r})"))
        elif src is not None and rule.rule == "split" and src not in rule.shares:
            problems.append((f"{path}.shares", f"no share for {src!r} (replenish_from.{pid})"))
        else:
            problems += sourcing_checks(sc, path, pid, rule, source_of(sc, site, pid))
    return problems


def _fallback(
    sc: Scenario, i: int, sites: dict[str, int], carriers: set[str]
) -> list[tuple[str, str]]:
    """A segment's fallback site: known, not its own site, stocking what the segment orders."""
    seg = sc.customers.segments[i]
    path = f"customers.segments.{i}"
    if seg.fallback_site is None:
        if seg.fallback_carrier is not None:
            return [(f"{path}.fallback_carrier", "needs a fallback_site")]
        return []
    if seg.fallback_site not in sites:
        known = ", ".join(sites)
        return [(f"{path}.fallback_site", f"unknown site {seg.fallback_site!r} (sites: {known})")]
    if seg.fallback_site == segment_site(sc, i):
        return [(f"{path}.fallback_site", "is the segment's own site")]
    problems = []
    site = sc.sites[sites[seg.fallback_site]]
    missing = [p for p, share in seg.product_mix.items() if share > 0 and p not in site.policies]
    if missing:
        problems.append(
            (f"{path}.fallback_site", f"{site.id!r} has no policy for {', '.join(missing)}")
        )
    if seg.fallback_carrier is not None and seg.fallback_carrier not in carriers:
        problems.append((f"{path}.fallback_carrier", f"unknown carrier {seg.fallback_carrier!r}"))
    return problems


def lateral_products(site: Site) -> list[str]:
    """The products ``site`` moves laterally: its ``lateral.products``, else all it stocks."""
    chosen = site.lateral.products if site.lateral is not None else None
    return list(site.policies) if chosen is None else list(chosen)


def _lateral(sc: Scenario, sites: dict[str, int], carriers: set[str]) -> list[tuple[str, str]]:
    """Lateral sources: known sites, not the site itself, each stocking what is moved."""
    problems = []
    for i, site in enumerate(sc.sites):
        lat = site.lateral
        if lat is None:
            continue
        path = f"sites.{i}.lateral"
        moved = lateral_products(site)
        for k, pid in enumerate(lat.products or []):
            if pid not in site.policies:
                problems.append((f"{path}.products.{k}", f"{site.id!r} has no policy for {pid!r}"))
        for j, sid in enumerate(lat.from_):
            at = f"{path}.from.{j}"
            if sid not in sites:
                problems.append((at, f"unknown site {sid!r} (sites: {', '.join(sites)})"))
            elif sid == site.id:
                problems.append((at, "is the site itself"))
            elif sid in lat.from_[:j]:
                problems.append((at, f"{sid!r} is listed twice"))
            else:
                other = sc.sites[sites[sid]]
                missing = [p for p in moved if p in site.policies and p not in other.policies]
                if missing:
                    problems.append((at, f"{sid!r} has no policy for {', '.join(missing)}"))
        if lat.carrier is not None and lat.carrier not in carriers:
            problems.append((f"{path}.carrier", f"unknown carrier {lat.carrier!r}"))
    return problems


def _cycles(sc: Scenario, sites: dict[str, int]) -> list[tuple[str, str]]:
    """Sites that replenish a product from each other in a circle, reported once per product."""
    problems = []
    for pid in {p for s in sc.sites for p in s.replenish_from}:
        up = {s.id: s.replenish_from[pid] for s in sc.sites if s.replenish_from.get(pid) in sites}
        reported: set[str] = set()
        for start in up:
            chain = [start]
            while chain[-1] in up and up[chain[-1]] not in chain:
                chain.append(up[chain[-1]])
            last = chain[-1]
            if last in up and up[last] in chain:
                loop = chain[chain.index(up[last]) :]
                if reported.isdisjoint(loop):
                    reported.update(loop)
                    circle = " -> ".join([*loop, loop[0]])
                    problems.append(
                        (
                            f"sites.{sites[loop[0]]}.replenish_from.{pid}",
                            f"a cycle of sites: {circle}",
                        )
                    )
    return problems


def _echelon(sc: Scenario) -> list[tuple[str, str]]:
    """Echelon base stock needs echelon sites below it and a level that covers theirs."""
    problems = []
    for i, site in enumerate(sc.sites):
        for pid, policy in site.policies.items():
            if policy.type != "echelon_base_stock":
                continue
            below = [
                s for s in sc.sites if s.replenish_from.get(pid) == site.id and pid in s.policies
            ]
            other = [s.id for s in below if s.policies[pid].type != "echelon_base_stock"]
            path = f"sites.{i}.policies.{pid}"
            if other:
                problems.append(
                    (path, f"the sites it replenishes ({', '.join(other)}) need echelon_base_stock")
                )
                continue
            total = sum(s.policies[pid].level for s in below)
            if policy.level < total:
                problems.append(
                    (f"{path}.level", f"below the echelon levels downstream (sum {total})")
                )
    return problems
