"""An attacker on the barometer's published results (no tests here; used by test_disclosure_attack.py).

It reads what anyone can read through the API — the questionnaire with its routing, the round's variables, every
question's result among everyone and broken down by every variable — and writes each published figure as a
linear equation in the counts it does not see: for every question (every item of a scale or grid) and every
variable, the count of each answer in each of the variable's groups, and "no answer" (not asked, or asked and not
answered). Two single choice questions share one table, whichever way round it is published. The unknowns are
tied together as the figures are: a table's groups add up to the whole, a group's answers add up to its size,
which is the answer's count in the question whose answers the groups are; a routed question's "asked" is the
count of the answers it follows. Then linear programming (scipy's HiGHS) gives each unseen count its smallest
and largest possible value. Two-way tables of counts with fixed margins have integer vertices, so the bounds are
those of whole numbers; a count is recovered when they meet. The unknowns the system forces outright (an
equation with one unknown left, a sum of counts that is 0) are put in first; the rest falls apart into independent
parts (the whole's count no longer ties every table together), each bounded by LPs of its own: the same bounds, as
the feasible values of the rest do not change, from LPs of a few dozen unknowns instead of thousands.
A count that two solutions already show taking different whole values cannot be recovered, so it is not solved
for (each LP's optimum is such a solution).

What it does not use: weighted figures, means of number questions, and three-way reasoning across tables (the
respondents' whole answer patterns), which could only narrow some intervals further.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

NONE = "∅"  # no answer to the question (or item): not asked, or asked and not answered
EVERYONE = "*"
Key = tuple[Any, ...]
Terms = dict[Key, float]


@dataclass
class QuestionSpec:
    code: str
    kind: str
    options: list[str]
    counted: dict[str, bool]
    items: list[str]
    conditions: list[tuple[str, frozenset[str]]]


@dataclass
class Outcome:
    """What the attacker found: every unseen count with its bounds and its true value."""

    # (cell, low, high, truth): the count's bounds; for a count two solutions show taking different whole values
    # (not recovered, so not solved for), the side skipped is the value seen there, within its bound.
    hidden: list[tuple[Key, int, int, int]] = field(default_factory=list)
    exempt: set[Key] = field(default_factory=set)  # said by a shown 0 % or 100 % of at least 5 respondents

    @property
    def recovered(self) -> list[tuple[Key, int, int, int]]:
        """Unseen counts of one or more respondents pinned down exactly."""
        return [h for h in self.hidden if h[1] == h[2] and h[3] > 0 and h[0] not in self.exempt]

    def recovered_blocks(self) -> set[Key]:
        """(question, item, variable, group) whose every unseen answer count is pinned down, with respondents."""
        cells: dict[Key, list[tuple[bool, int]]] = defaultdict(list)
        for cell, low, high, truth in self.hidden:
            for block in _blocks_of(cell):
                cells[block].append((low == high and cell not in self.exempt, truth))
        return {b for b, found in cells.items() if all(ok for ok, _t in found) and sum(t for _o, t in found) > 0}


def _split_codes(code: str, options: list[str]) -> list[str] | None:
    """`code` as options (or "", no answer) joined by "+", longest options first; None if it is not so made."""
    if code in options or code == "":
        return [code]
    for option in [*sorted(options, key=len, reverse=True), ""]:
        if code.startswith(option + "+"):
            rest = _split_codes(code[len(option) + 1 :], options)
            if rest is not None:
                return [option, *rest]
    return None


def _blocks_of(cell: Key) -> list[Key]:
    if cell[0] == "c":
        _c, question, item, _answer, variable, group = cell
        return [(question, item, variable, group)]
    _x, first, second, a, b = cell
    return [(first, "", f"q:{second}", "" if b == NONE else b), (second, "", f"q:{first}", "" if a == NONE else a)]


class Attack:
    def __init__(self, get: Callable[[str], Any], slug: str, *, only: Iterable[str] | None = None) -> None:
        self.get = get
        self.slug = slug
        self.only = set(only) if only is not None else None  # the variables to read breakdowns by (default all)
        self.index: dict[Key, int] = {}
        self.equalities: list[tuple[Terms, float]] = []
        self.at_most: list[tuple[Terms, float]] = []  # Σ terms ≤ value
        self.shown: set[Key] = set()
        self.unanimous: list[tuple[str, str, str, list[str], str]] = []  # question, item, variable, groups, answer
        self._read()

    # --- what the API publishes --------------------------------------------------------------------------------

    def _read(self) -> None:
        round_ = self.get(f"/rounds/{self.slug}")
        version = self.get(
            f"/questionnaires/{round_['questionnaire']['code']}/versions/{round_['questionnaire']['number']}"
        )
        self.questions: dict[str, QuestionSpec] = {}
        for section in version["sections"]:
            for q in section["questions"]:
                if q["kind"] not in ("single", "multiple", "scale", "grid"):
                    continue
                conditions = [(c["question"], frozenset(c["any_of"])) for c in (section["show_if"], q["show_if"]) if c]
                self.questions[q["code"]] = QuestionSpec(
                    q["code"],
                    q["kind"],
                    [c["code"] for c in q["choices"]],
                    {c["code"]: not c["excluded_from_percent"] for c in q["choices"]},
                    [i["code"] for i in q["items"]] or [""],
                    conditions,
                )
        self.variables = {
            v["code"]: [g["code"] for g in v["groups"]]
            for v in self.get(f"/rounds/{self.slug}/variables")["items"]
            if (not v["code"].startswith("q:") or self._single(v["code"][2:]))
            and (self.only is None or v["code"] in self.only)
        }
        self._structure()
        self._equal({("N",): 1.0}, round_["responding_organisations"])
        overall = self.get(f"/rounds/{self.slug}/results")
        for section in overall["sections"]:
            for result in section["questions"]:
                if result["code"] in self.questions:
                    self._publish(result, EVERYONE, [EVERYONE])
        for variable in self.variables:
            found = self.get(f"/rounds/{self.slug}/results?breakdown={variable}")
            for section in found["sections"]:
                for result in section["questions"]:
                    split = result.get("breakdown")
                    if result["code"] not in self.questions or not split or variable == f"q:{result['code']}":
                        continue
                    for group in split["groups"]:
                        self._publish(group["result"], variable, group.get("members") or [group["code"]])

    def _single(self, code: str) -> bool:
        return code in self.questions and self.questions[code].kind == "single"

    # --- the unknowns and how they hang together -------------------------------------------------------------

    def cell(self, question: str, item: str, answer: str, variable: str, group: str) -> Key:
        """The unknown count of `answer` (or NONE) to `question`/`item` among the respondents in `group`."""
        if variable.startswith("q:") and self._single(question) and variable[2:] != question:
            other = variable[2:]
            theirs = NONE if group == "" else group
            if question < other:
                return ("x", question, other, answer, theirs)
            return ("x", other, question, theirs, answer)
        return ("c", question, item, answer, variable, group)

    def size(self, variable: str, group: str) -> Terms:
        if variable == EVERYONE:
            return {("N",): 1.0}
        if variable.startswith("q:"):
            return {self.cell(variable[2:], "", NONE if group == "" else group, EVERYONE, EVERYONE): 1.0}
        return {("s", variable, group): 1.0}

    def _rows(self, spec: QuestionSpec) -> list[str]:
        return spec.options + ([] if spec.kind == "multiple" else [NONE])

    def _structure(self) -> None:
        tables = [(EVERYONE, [EVERYONE]), *self.variables.items()]
        for variable, groups in tables:
            if variable != EVERYONE and not variable.startswith("q:"):
                self._equal({("s", variable, g): 1.0 for g in groups} | {("N",): -1.0}, 0)
            for spec in self.questions.values():
                if variable == f"q:{spec.code}":
                    continue
                for group in groups:
                    size = self.size(variable, group)
                    answered = ("answered", spec.code, variable, group)
                    asked = ("asked", spec.code, variable, group)
                    self._at_most({answered: 1.0, asked: -1.0}, 0)
                    self._at_most({asked: 1.0} | _scaled(size, -1), 0)
                    for item in spec.items:
                        cells = {self.cell(spec.code, item, a, variable, group): 1.0 for a in self._rows(spec)}
                        options = {self.cell(spec.code, item, a, variable, group): 1.0 for a in spec.options}
                        if spec.kind == "multiple":
                            n = ("n", spec.code, variable, group)
                            for a in spec.options:
                                c = self.cell(spec.code, item, a, variable, group)
                                self._at_most({c: 1.0, answered: -1.0}, 0)
                                if spec.counted[a]:
                                    self._at_most({c: 1.0, n: -1.0}, 0)
                            counted = {
                                self.cell(spec.code, item, a, variable, group): 1.0
                                for a in spec.options
                                if spec.counted[a]
                            }
                            self._at_most({n: 1.0} | _scaled(counted, -1), 0)
                            self._at_most({n: 1.0, answered: -1.0}, 0)
                            self._at_most({answered: 1.0} | _scaled(options, -1), 0)
                        else:
                            self._equal(cells | _scaled(size, -1), 0)
                            if spec.kind == "single":
                                self._equal(options | {answered: -1.0}, 0)
                            else:
                                self._at_most(options | {answered: -1.0}, 0)
                    if not spec.conditions:
                        self._equal({asked: 1.0} | _scaled(size, -1), 0)
                    elif len(spec.conditions) == 1 and self._single(spec.conditions[0][0]):
                        parent, routed = spec.conditions[0]
                        if variable == f"q:{parent}":
                            if group not in routed:
                                self._equal({asked: 1.0}, 0)
                            else:
                                self._equal({asked: 1.0} | _scaled(size, -1), 0)
                        else:
                            terms = {self.cell(parent, "", a, variable, group): -1.0 for a in routed}
                            self._equal({asked: 1.0} | terms, 0)
                if variable != EVERYONE:
                    for item in spec.items:
                        for a in self._rows(spec):
                            whole = self.cell(spec.code, item, a, EVERYONE, EVERYONE)
                            parts = {self.cell(spec.code, item, a, variable, g): 1.0 for g in groups}
                            if whole not in parts:
                                self._equal(parts | {whole: -1.0}, 0)
                    for name in ("answered", "asked") + (("n",) if spec.kind == "multiple" else ()):
                        parts = {(name, spec.code, variable, g): 1.0 for g in groups}
                        self._equal(parts | {(name, spec.code, EVERYONE, EVERYONE): -1.0}, 0)

    # --- published figures -----------------------------------------------------------------------------------

    def _publish(self, result: dict[str, Any], variable: str, members: list[str]) -> None:
        spec = self.questions[result["code"]]
        for name in ("asked", "answered"):
            if result.get(f"{name}_n") is not None:
                self._equal({(name, spec.code, variable, g): 1.0 for g in members}, result[f"{name}_n"])
        for block in result["blocks"]:
            item = block["code"]
            n_terms: Terms = {}
            for row in block["rows"]:
                answers = self._answers(spec, row["code"])
                terms = {self.cell(spec.code, item, a, variable, g): 1.0 for a in answers for g in members}
                if not row["excluded"]:
                    n_terms |= terms
                if row["count"] is not None:
                    self._equal(terms, row["count"])
                    if len(terms) == 1:
                        self.shown |= set(terms)
                    if block["n"] and row["count"] == block["n"] and not row["excluded"] and block["n"] >= 5:
                        self.unanimous.append((spec.code, item, variable, members, row["code"]))
            if block["n"] is not None:
                if spec.kind == "multiple":
                    self._equal({("n", spec.code, variable, g): 1.0 for g in members}, block["n"])
                else:
                    self._equal(n_terms, block["n"])

    def _answers(self, spec: QuestionSpec, code: str) -> list[str]:
        """The answers a row stands for: one, or several joined by "+". An answer's own code may hold a "+"
        ("100k+"), so "50k-100k+100k+" is read as the options it is made of, not split at every "+"."""
        found = _split_codes(code, spec.options)
        if found is None:
            raise AssertionError(f"{spec.code}: the row {code!r} is not made of the question's answers")
        return [NONE if a == "" else a for a in found]

    def _equal(self, terms: Terms, value: float) -> None:
        self.equalities.append((self._register(terms), value))

    def _at_most(self, terms: Terms, value: float) -> None:
        self.at_most.append((self._register(terms), value))

    def _register(self, terms: Terms) -> Terms:
        for key in terms:
            self.index.setdefault(key, len(self.index))
        return terms

    # --- solving ---------------------------------------------------------------------------------------------

    def run(self, truth: dict[Key, int]) -> Outcome:
        """Bounds of every unseen answer count; `truth` (the real counts) only says which are positive and checks
        that the attacker's system holds."""
        outcome = Outcome()
        targets = [
            key
            for key in self.index
            if key[0] in ("c", "x")
            and key not in self.shown
            and NONE not in (key[3], key[4] if key[0] == "x" else "")
            and not (key[0] == "c" and key[4] == EVERYONE and key in self.shown)
        ]
        found = self.bounds(targets, truth)
        outcome.hidden = [found[key] for key in targets]
        outcome.exempt = {
            key for key, _low, _high, value in outcome.hidden if self._said(key) or self._everyone(key, truth)
        }
        return outcome

    def bounds(self, targets: list[Key], truth: dict[Key, int]) -> dict[Key, tuple[Key, int, int, int]]:
        """(key, low, high, true value) of each target: forced values first, then LPs by independent part. Where
        low == high the count is recovered; a count that is not may carry values seen in solutions, inside its
        true bounds (_bounds)."""
        forced = self._forced()
        found: dict[Key, tuple[Key, int, int, int]] = {}
        for key in targets:
            if key in forced:  # the same in every solution: both LPs would give this value
                low, high, value = (
                    int(np.ceil(forced[key] - 1e-6)),
                    int(np.floor(forced[key] + 1e-6)),
                    truth.get(key, 0),
                )
                assert low <= value <= high, (key, low, high, value)
                found[key] = (key, low, high, value)
        equalities, at_most = self._substituted(forced)
        for (a_eq, b_eq, a_ub, b_ub, columns), keys in self._components(
            [k for k in targets if k not in forced], equalities, at_most
        ):
            found |= {row[0]: row for row in _bounds(a_eq, b_eq, a_ub, b_ub, columns, keys, truth)}
        return found

    def _everyone(self, key: Key, truth: dict[Key, int]) -> bool:
        """Whether the cell's group holds everyone who answered the question (or item): then the cell is the
        whole's count, which is shown (e.g. a routed question by the answers it follows)."""

        def answered(question: str, item: str, cell: Callable[[str], Key]) -> int:
            return sum(truth.get(cell(a), 0) for a in self.questions[question].options)

        if key[0] == "c":
            _c, question, item, _a, variable, group = key
            if variable == EVERYONE:
                return False
            here = answered(question, item, lambda a: ("c", question, item, a, variable, group))
            return here == answered(question, item, lambda a: ("c", question, item, a, EVERYONE, EVERYONE))
        _x, first, second, a, b = key
        whole_first = answered(first, "", lambda x: ("c", first, "", x, EVERYONE, EVERYONE))
        whole_second = answered(second, "", lambda x: ("c", second, "", x, EVERYONE, EVERYONE))
        return answered(first, "", lambda x: ("x", first, second, x, b)) == whole_first or (
            answered(second, "", lambda x: ("x", first, second, a, x)) == whole_second
        )

    def _said(self, key: Key) -> bool:
        """Whether a shown block of at least 5 respondents that holds the cell's group is unanimous on its answer."""
        for question, item, variable, members, answer in self.unanimous:
            here = (
                key[0] == "c"
                and key[1:3] == (question, item)
                and key[3] in self._answers(self.questions[question], answer)
            )
            if here and (variable == EVERYONE or (variable == key[4] and key[5] in members)):
                return True
            if key[0] == "x":
                for mine, theirs, other in ((key[3], key[4], key[2]), (key[4], key[3], key[1])):
                    question_here = key[1] if other == key[2] else key[2]
                    if (
                        question == question_here
                        and mine in self._answers(self.questions[question], answer)
                        and (
                            variable == EVERYONE
                            or (variable == f"q:{other}" and (theirs if theirs != NONE else "") in members)
                        )
                    ):
                        return True
        return False

    def _forced(self) -> dict[Key, float]:
        """Unknowns whose value the system forces, by two rules that follow from it (every unknown is a count, so
        at least 0), repeated until nothing more follows: an equation with one unknown left gives its value; an
        equation or "at most" whose unknowns left all have positive coefficients and whose value, less the
        forced, is 0 makes them all 0. They hold in every solution, so each such unknown's smallest and largest
        possible values are the value forced, as the LPs would find (the system's being solvable is checked
        with the rest), and the system with them put in has the same solutions for the rest."""
        forced: dict[Key, float] = {}
        rows = [(terms, value, True) for terms, value in self.equalities]
        rows += [(terms, value, False) for terms, value in self.at_most]
        changed = True
        while changed:
            changed = False
            for terms, value, equal in rows:
                left = {k: c for k, c in terms.items() if k not in forced}
                if not left:
                    continue
                rest = value - sum(c * forced[k] for k, c in terms.items() if k in forced)
                if equal and len(left) == 1:
                    [(key, coefficient)] = left.items()
                    forced[key] = rest / coefficient
                    changed = True
                elif abs(rest) < 1e-9 and all(c > 0 for c in left.values()):
                    forced |= dict.fromkeys(left, 0.0)
                    changed = True
        return forced

    def _substituted(self, forced: dict[Key, float]) -> tuple[list[tuple[Terms, float]], list[tuple[Terms, float]]]:
        """The equations and "at most"s with the forced unknowns put in (those left with none must then hold)."""
        found: tuple[list[tuple[Terms, float]], list[tuple[Terms, float]]] = ([], [])
        for kind, group in ((0, self.equalities), (1, self.at_most)):
            for terms, value in group:
                left = {k: c for k, c in terms.items() if k not in forced}
                rest = value - sum(c * forced[k] for k, c in terms.items() if k in forced)
                if left:
                    found[kind].append((left, rest))
                elif rest < -1e-6 or (kind == 0 and rest > 1e-6):
                    raise AssertionError(f"the attacker's system has no solution: {terms} {value}")
        return found

    def _components(
        self, targets: list[Key], equalities: list[tuple[Terms, float]], at_most: list[tuple[Terms, float]]
    ) -> Iterable[tuple[Any, list[Key]]]:
        """The system split into independent parts, each with the targets in it."""
        parent = list(range(len(self.index)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        constraints = equalities + at_most
        for terms, _value in constraints:
            ids = [self.index[k] for k in terms]
            for i in ids[1:]:
                parent[find(i)] = find(ids[0])
        members: dict[int, list[Key]] = defaultdict(list)
        for key, i in self.index.items():
            members[find(i)].append(key)
        rows: dict[int, tuple[list[tuple[Terms, float]], list[tuple[Terms, float]]]] = defaultdict(lambda: ([], []))
        for kind, group in ((0, equalities), (1, at_most)):
            for terms, value in group:
                rows[find(self.index[next(iter(terms))])][kind].append((terms, value))
        by_root: dict[int, list[Key]] = defaultdict(list)
        for key in targets:
            by_root[find(self.index[key])].append(key)
        for root, wanted in by_root.items():
            columns = members[root]
            local = {k: i for i, k in enumerate(columns)}

            def matrix(
                chosen: list[tuple[Terms, float]], local: dict[Key, int] = local, width: int = len(columns)
            ) -> tuple[Any, Any]:
                if not chosen:
                    return None, None
                r, c, d = [], [], []
                for number, (terms, _v) in enumerate(chosen):
                    for k, coefficient in terms.items():
                        r.append(number)
                        c.append(local[k])
                        d.append(coefficient)
                shape = (len(chosen), width)
                return coo_matrix((d, (r, c)), shape=shape).tocsr(), np.array([v for _t, v in chosen], float)

            a_eq, b_eq = matrix(rows[root][0])
            a_ub, b_ub = matrix(rows[root][1])
            yield (a_eq, b_eq, a_ub, b_ub, columns), wanted


def _bounds(
    a_eq: Any, b_eq: Any, a_ub: Any, b_ub: Any, columns: list[Key], keys: list[Key], truth: dict[Key, int]
) -> list[tuple[Key, int, int, int]]:
    """The bounds of each of `keys` in one independent part of the system (entries of Outcome.hidden)."""
    found: list[tuple[Key, int, int, int]] = []
    position = {key: i for i, key in enumerate(columns)}

    def solve(objective: Any, bounds: Any = (0, None)) -> Any:
        return linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")

    # The real counts satisfy the system: every target at its true value at once is feasible (which implies
    # each true value lies within its bounds).
    at_truth: list[tuple[float, float | None]] = [(0, None)] * len(columns)
    for key in keys:
        at_truth[position[key]] = (truth.get(key, 0), truth.get(key, 0))
    checked = solve(np.zeros(len(columns)), at_truth)
    if checked.status != 0:
        raise AssertionError(f"the real counts do not satisfy the attacker's system: {checked.message}")
    # Values each target takes in solutions seen so far: the truth, then every LP's optimum (each is a
    # solution of the very same system, only the objective differs).
    where = np.array([position[key] for key in keys])
    least_seen = np.array([truth.get(key, 0) for key in keys], float)
    most_seen = least_seen.copy()

    def varies(number: int) -> bool:
        # Sound shortcut: two solutions giving the count values whose whole-number rounding (the same
        # 1e-6 margins as the bounds below) differs. The LP's minimum is at most the smaller value and its
        # maximum at least the larger, so its bounds would differ too: the count is not recovered, and
        # the LPs for it can be skipped. A count the LPs would pin down exactly is the same in every
        # solution, so it is never skipped.
        return int(np.floor(most_seen[number] + 1e-6)) > int(np.ceil(least_seen[number] - 1e-6))

    for number, key in enumerate(keys):
        bounds: list[float | None] = [None, None]  # the LP's minimum and maximum, where it was solved
        for side, sign in enumerate((1.0, -1.0)):
            if varies(number):
                break
            objective = np.zeros(len(columns))
            objective[position[key]] = sign
            solved = solve(objective)
            if solved.status == 3:  # unbounded: nothing bounds it from this side
                bounds[side] = sign * np.inf
                continue
            if solved.status != 0:
                raise AssertionError(f"the attacker's system has no solution: {solved.message}")
            bounds[side] = sign * solved.fun
            np.minimum(least_seen, solved.x[where], out=least_seen)
            np.maximum(most_seen, solved.x[where], out=most_seen)
        # Where a side was skipped, the value seen on that side (within the bound it stands for).
        least = least_seen[number] if bounds[0] is None else bounds[0]
        most = most_seen[number] if bounds[1] is None else bounds[1]
        low = int(np.ceil(least - 1e-6))
        high = int(np.floor(most + 1e-6)) if np.isfinite(most) else 10**9
        value = truth.get(key, 0)
        assert low <= value <= high, (key, low, high, value)
        found.append((key, low, high, value))
    return found


def _scaled(terms: Terms, factor: float) -> Terms:
    return {k: v * factor for k, v in terms.items()}


def truth(data: Any) -> dict[Key, int]:
    """The real counts behind the attacker's unknowns, from the round as the analysis reads it (test side only)."""
    from barometer.results import analysis

    found = analysis.variables(data)
    counts: dict[Key, int] = defaultdict(int)
    singles = {code for code, q in data.questions.items() if q.kind == "single"}

    def group_of(variable: str, respondent: Any) -> str:
        return found[variable].value(respondent) if variable != EVERYONE else EVERYONE

    for respondent in data.respondents:
        counts[("N",)] += 1
        for variable in found:
            counts[("size", variable, group_of(variable, respondent))] += 1
        for code, question in data.questions.items():
            if question.kind not in ("single", "multiple", "scale", "grid"):
                continue
            value = respondent.answers.get(code) if code in respondent.asked else None
            for variable in [EVERYONE, *found]:
                if variable == f"q:{code}":
                    continue
                group = group_of(variable, respondent)
                if variable.startswith("q:") and question.kind == "single" and variable[2:] in singles:
                    other = variable[2:]
                    if code < other:  # each pair once: the other way round is the same table
                        theirs = NONE if group == "" else group
                        counts[("x", code, other, value if isinstance(value, str) else NONE, theirs)] += 1
                    continue
                if question.kind == "single":
                    counts[("c", code, "", value if isinstance(value, str) else NONE, variable, group)] += 1
                elif question.kind == "multiple":
                    for answer in value if isinstance(value, list) else ():
                        counts[("c", code, "", answer, variable, group)] += 1
                else:
                    for item in question.items.all():
                        given = value.get(item.code) if isinstance(value, dict) else None
                        answer = given if isinstance(given, str) else NONE
                        counts[("c", code, item.code, answer, variable, group)] += 1
    return dict(counts)
