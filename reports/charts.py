"""Charts drawn on the server: a chart is its table (a row per category, a column per series) with each row's bars
drawn beside its figures as a small inline SVG (templates/_macros/charts.html), each kind of figure on one scale.
No script, no CDN: the page reads the same without JavaScript, a screen reader reads the table, and on a phone the
figures stay readable where a drawing with its own axis would shrink to nothing."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KINDS = ("count", "money", "days")  # how a series' figures are written


@dataclass(frozen=True)
class Series:
    """A column of figures: its name and kind (KINDS)."""

    name: str
    kind: str = "count"


@dataclass(frozen=True)
class ChartRow:
    """A category: its label, its figures (one per series, None where there is none) and each bar's length in
    hundredths of the chart's largest figure."""

    label: str
    values: tuple
    shares: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """A titled chart: the heading of its categories, its series and its rows."""

    title: str
    heading: str
    series: tuple[Series, ...]
    rows: tuple[ChartRow, ...]

    @property
    def bar_height(self) -> int:
        """The SVG's height in its own units: a bar of 5 and a gap of 1 per series."""
        return 6 * len(self.series) + 1


def chart(title: str, heading: str, series: Sequence[Series], rows: Iterable[tuple[str, Sequence]]) -> Chart:
    """A chart of the rows (label, figures in the order of the series): the bars of a kind of figure on the scale
    of its largest (money against money, counts against counts)."""
    series = tuple(series)
    rows = [(label, tuple(values)) for label, values in rows]
    largest: dict[str, float] = {}
    for _label, values in rows:
        for one, value in zip(series, values, strict=True):
            largest[one.kind] = max(largest.get(one.kind, 0), value or 0)

    def share(one: Series, value: object) -> float:
        top = largest[one.kind]
        return max(0.0, round(100 * value / top, 1)) if value and top else 0.0

    drawn = tuple(
        ChartRow(str(label), values, tuple(share(one, v) for one, v in zip(series, values, strict=True)))
        for label, values in rows
    )
    return Chart(str(title), str(heading), series, drawn)  # plain strings: a chart is kept (reports.kept)
