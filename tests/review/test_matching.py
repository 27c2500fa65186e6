"""The exact choice of reviewers, on hand-made cases whose optimum is known and against a brute force on random ones:
as many reviewers as the caps allow, then the most affinity, then the most even load, then seated reviewers."""

from itertools import combinations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from review.experts.matching import Candidate, choose_reviewers


def _loads(chosen: dict[int, list[int]]) -> dict[int, int]:
    loads: dict[int, int] = {}
    for members in chosen.values():
        for member in members:
            loads[member] = loads.get(member, 0) + 1
    return loads


def test_affinity_beats_load_until_the_cap():
    candidates = {p: [Candidate(1, 5), Candidate(2, 0), Candidate(3, 0)] for p in (10, 11, 12)}
    needs = dict.fromkeys(candidates, 1)
    unlimited = choose_reviewers(needs, candidates, {1: None, 2: None, 3: None}, {})
    assert unlimited.chosen == {10: [1], 11: [1], 12: [1]} and not unlimited.short
    capped = choose_reviewers(needs, candidates, {1: 2, 2: None, 3: None}, {})
    assert _loads(capped.chosen)[1] == 2 and sum(_loads(capped.chosen).values()) == 3


def test_the_optimum_is_found_where_taking_the_best_in_turn_is_not():
    # Application 10 goes first and would take member 1 (3 points against 2), leaving 11 with member 2 (0 points):
    # 3 in all. The optimum gives 11 member 1 and 10 member 2: 5 points.
    candidates = {10: [Candidate(1, 3), Candidate(2, 2)], 11: [Candidate(1, 3), Candidate(2, 0)]}
    choice = choose_reviewers({10: 1, 11: 1}, candidates, {1: 1, 2: None}, {})
    assert choice.chosen == {10: [2], 11: [1]}


def test_equal_affinity_evens_the_load_and_prefers_seated_reviewers():
    members = (1, 2, 3, 4)
    candidates = {p: [Candidate(m, 0, seated_reviewer=m in (3, 4)) for m in members] for p in range(10, 14)}
    choice = choose_reviewers(dict.fromkeys(candidates, 2), candidates, dict.fromkeys(members), {})
    assert _loads(choice.chosen) == {1: 2, 2: 2, 3: 2, 4: 2}
    one = choose_reviewers({10: 2}, {10: candidates[10]}, dict.fromkeys(members), {})
    assert one.chosen == {10: [3, 4]}
    # A member already reviewing elsewhere in the council is taken last on a tie.
    loaded = choose_reviewers({10: 2}, {10: candidates[10]}, dict.fromkeys(members), {3: 4, 4: 1})
    assert loaded.chosen == {10: [1, 2]}


def test_only_candidates_are_chosen_and_each_at_most_once():
    # A member with a conflict is no candidate: application 11 gets only the one it has.
    candidates = {10: [Candidate(1, 1), Candidate(2, 1), Candidate(3, 1)], 11: [Candidate(3, 9)]}
    choice = choose_reviewers({10: 2, 11: 2}, candidates, dict.fromkeys((1, 2, 3)), {})
    assert choice.chosen[11] == [3] and choice.short == {11: 1}
    assert len(set(choice.chosen[10])) == 2


def test_caps_too_low_leave_applications_short():
    candidates = {p: [Candidate(1, 0), Candidate(2, 0)] for p in (10, 11, 12)}
    choice = choose_reviewers(dict.fromkeys(candidates, 2), candidates, {1: 1, 2: 2}, {})
    assert sum(len(m) for m in choice.chosen.values()) == 3
    assert sum(choice.short.values()) == 3
    assert _loads(choice.chosen) == {1: 1, 2: 2}


def test_nothing_needed_chooses_nothing():
    choice = choose_reviewers({10: 0}, {10: [Candidate(1, 3)]}, {1: None}, {})
    assert choice.chosen == {10: []} and not choice.short


def _brute_force(needs, candidates, room):
    """The best (placed, affinity) over every choice of at most `need` candidates per application."""
    options = []
    for pid in sorted(needs):
        rows = candidates[pid]
        options.append([combo for size in range(min(needs[pid], len(rows)) + 1) for combo in combinations(rows, size)])
    best = (-1, -1)
    for pick in product(*options):
        loads: dict[int, int] = {}
        for combo in pick:
            for c in combo:
                loads[c.member_id] = loads.get(c.member_id, 0) + 1
        if any(room[m] is not None and n > room[m] for m, n in loads.items()):
            continue
        best = max(best, (sum(loads.values()), sum(c.affinity for combo in pick for c in combo)))
    return best


members = st.integers(min_value=1, max_value=4)
applications = st.dictionaries(
    st.integers(min_value=10, max_value=13),
    st.tuples(
        st.integers(min_value=0, max_value=2),
        st.dictionaries(members, st.tuples(st.integers(0, 6), st.booleans()), max_size=4),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(applications, st.dictionaries(members, st.one_of(st.none(), st.integers(0, 3))))
def test_every_cap_and_conflict_holds_and_the_optimum_is_reached(apps, caps):
    needs = {pid: need for pid, (need, _rows) in apps.items()}
    candidates = {pid: [Candidate(m, a, s) for m, (a, s) in rows.items()] for pid, (_need, rows) in apps.items()}
    room = {m: caps.get(m) for m in range(1, 5)}
    choice = choose_reviewers(needs, candidates, room, {})
    for pid, chosen in choice.chosen.items():
        allowed = {c.member_id for c in candidates[pid]}
        assert set(chosen) <= allowed and len(set(chosen)) == len(chosen) <= needs[pid]
        assert choice.short.get(pid, 0) == needs[pid] - len(chosen)
    for member, load in _loads(choice.chosen).items():
        assert room[member] is None or load <= room[member]
    affinity = {(pid, c.member_id): c.affinity for pid in candidates for c in candidates[pid]}
    reached = (
        sum(len(m) for m in choice.chosen.values()),
        sum(affinity[pid, m] for pid, chosen in choice.chosen.items() for m in chosen),
    )
    assert reached == _brute_force(needs, candidates, room)
