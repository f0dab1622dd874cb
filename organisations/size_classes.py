"""Population size classes of organisations, as the barometer uses them for strata. Plain Python."""

# (upper bound exclusive, code); the last class is open-ended.
BOUNDS: list[tuple[int | None, str]] = [
    (5_000, "lt5k"),
    (10_000, "5k-10k"),
    (20_000, "10k-20k"),
    (50_000, "20k-50k"),
    (100_000, "50k-100k"),
    (None, "100k+"),
]


def size_class(population: int | None) -> str:
    """The size class code of a population; "" when the population is not known."""
    if population is None:
        return ""
    for upper, code in BOUNDS:
        if upper is None or population < upper:
            return code
    raise AssertionError("unreachable: the last class is open-ended")
