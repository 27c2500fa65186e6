"""The exact choice of reviewers (phản biện): a minimum-cost flow (NetworkX's network simplex) from the applications
that need reviewers to the members who may review them.

Each application sends as many units as it lacks reviewers; an edge to each candidate member carries one, at a cost
that falls with the member's affinity for it; each member passes their units to the sink through one edge per
place, the k-th costing their load after it (so extra load costs more and more: the load evens out); whatever cannot
be placed goes to the sink by a bypass priced above everything else. The costs are weighted so that the optimum is
lexicographic: first as many reviewers placed as the caps allow, then the most affinity, then the most even load,
then members seated as reviewers first.

Two reductions keep it small without changing the optimum. Applications with the same needs and the same candidates
at the same affinities are one node (an integral flow of the merged problem deals out to them one member each in
turn, since no member carries more units than there are applications in the node). And a member gets places a few
at a time: while the optimum leaves one of a member's places unused, the dearer places it lacks would have a
non-negative reduced cost too, so only members whose places are all used get more, and the flow is solved again."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Candidate:
    """A member who may review an application: their affinity for it, and whether they are seated as a reviewer."""

    member_id: int
    affinity: int
    seated_reviewer: bool = False


@dataclass(frozen=True)
class Choice:
    """The chosen reviewers of each application, and what each still lacks (caps reached or too few members)."""

    chosen: dict[int, list[int]]
    short: dict[int, int]


def choose_reviewers(
    needs: Mapping[int, int],
    candidates: Mapping[int, Sequence[Candidate]],
    room: Mapping[int, int | None],
    load: Mapping[int, int],
) -> Choice:
    """Give each application (by id) the reviewers it needs among its candidates, each member taking at most their
    room (None: no limit) on top of their current load; see the module's docstring for the order of the aims."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pid in sorted(needs):
        if needs[pid] > 0:
            kinds = tuple(sorted({(c.member_id, c.affinity, c.seated_reviewer) for c in candidates.get(pid, ())}))
            groups[(needs[pid], kinds)].append(pid)
    total = sum(need * len(pids) for (need, _kinds), pids in groups.items())
    members = {member for (_need, kinds) in groups for member, _a, _s in kinds}
    places = {m: min(total, total if room.get(m) is None else max(room[m], 0)) for m in members}
    given = {m: min(places[m], total // max(len(members), 1) + 2) for m in members}
    while True:
        flow = _solve(groups, total, given, load)
        full = [m for m in members if given[m] < places[m] and _used(flow, m) == given[m]]
        if not full:
            break
        for m in full:
            given[m] = min(places[m], 2 * given[m])
    chosen: dict[int, list[int]] = {pid: [] for pid in needs}
    for number, ((_need, _kinds), pids) in enumerate(groups.items()):
        to_members = sorted((node[1], units[0]) for node, units in flow[("g", number)].items() if node != "sink")
        dealt = [member for member, count in to_members for _ in range(count)]
        for turn, member in enumerate(dealt):
            chosen[pids[turn % len(pids)]].append(member)
    short = {pid: needs[pid] - len(chosen[pid]) for pid in needs if len(chosen[pid]) < needs[pid]}
    return Choice({pid: sorted(members) for pid, members in chosen.items()}, short)


def _used(flow: dict, member: int) -> int:
    return sum(flow[("m", member)].get("sink", {}).values())


def _solve(groups: dict[tuple, list[int]], total: int, given: dict[int, int], load: Mapping[int, int]) -> dict:
    """The network simplex's flow over the merged applications, with the given places per member."""
    if not total:
        return {}
    top = max((a for (_need, kinds) in groups for _m, a, _s in kinds), default=0)
    # Weights so that each aim outweighs all the ones below it whatever the flow.
    load_bound = sum(load.get(m, 0) * n + n * (n + 1) // 2 for m, n in given.items())
    w_load = total + 1
    w_affinity = load_bound * w_load + total + 1
    w_short = (top * total + 1) * w_affinity
    graph = nx.MultiDiGraph()
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    for number, ((need, kinds), pids) in enumerate(groups.items()):
        graph.add_edge("source", ("g", number), capacity=need * len(pids), weight=0)
        graph.add_edge(("g", number), "sink", capacity=need * len(pids), weight=w_short)
        for member, affinity, seated in kinds:
            cost = (top - affinity) * w_affinity + (0 if seated else 1)
            graph.add_edge(("g", number), ("m", member), capacity=len(pids), weight=cost)
    for member in sorted(given):
        graph.add_node(("m", member))
        for k in range(1, given[member] + 1):
            graph.add_edge(("m", member), "sink", capacity=1, weight=(load.get(member, 0) + k) * w_load)
    _cost, flow = nx.network_simplex(graph)
    return flow
