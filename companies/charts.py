"""The geometry of a company's response record chart: one stacked bar per year of request
(responded at the bottom, then declined, then no response), on a scale with round ticks.

The template (`companies/includes/response_chart.html`) draws it as inline SVG from these
numbers; the table below the chart shows the same `ResponseHistory` as text. Coordinates
are strings formatted here, never by the template: a localised float ("12,5" in French)
would break the SVG.

Time runs left to right in every language, Arabic included: the SVG is drawn
`direction="ltr"` (its only text is numbers), while the page around it, the legend and the
table follow the page's direction.
"""

from dataclasses import dataclass

from companies.models import ResponseHistory, outcome_labels

#: The outcomes in stacking order (bottom first), the keys of `ResponseCounts` (and the
#: values of the responses' `outcome`), each with how it is drawn: solid, striped and
#: dotted, each outlined in a colour with at least 4.5:1 contrast on white, so that no
#: outcome is told apart by colour alone.
OUTCOMES = (
    ("responded", "#0b5394", "#0b5394"),
    ("declined", "url(#chart-declined)", "#9c3900"),
    ("no_response", "url(#chart-no-response)", "#1b1b1b"),
)

LEFT, RIGHT, TOP, BOTTOM = 44, 12, 24, 32  # margins: tick labels, totals, years
PLOT_HEIGHT = 200
SLOT, BAR = 56, 32  # the width each year takes, and its bar's
MIN_SLOTS = 4  # a chart of one or two years is not drawn as a sliver
MAX_TICKS = 5


def number(value: float) -> str:
    """A coordinate as SVG reads it: "12.5", "40" (never localised)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_step(largest: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that marks `largest` in at most MAX_TICKS steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if -(-largest // step) <= MAX_TICKS:
                return step
        magnitude *= 10


@dataclass(frozen=True)
class Segment:
    outcome: str
    count: int
    fill: str
    stroke: str
    x: str
    y: str
    width: str
    height: str


@dataclass(frozen=True)
class Bar:
    year: int
    total: int
    segments: tuple[Segment, ...]
    centre: str
    total_y: str


@dataclass(frozen=True)
class Tick:
    value: int
    y: str


@dataclass(frozen=True)
class TableRow:
    """A row of the table behind the chart: a year (or "all years", None) with its number
    of requests, each outcome's count in OUTCOMES order, and its response rate."""

    year: int | None
    requests: int
    counts: tuple[int, ...]
    rate: int | None


def table_row(year: int | None, counts) -> TableRow:
    by_outcome = tuple(getattr(counts, outcome) for outcome, _fill, _stroke in OUTCOMES)
    return TableRow(year, counts.requests, by_outcome, counts.rate)


@dataclass(frozen=True)
class LegendEntry:
    outcome: str
    label: str
    fill: str
    stroke: str


@dataclass(frozen=True)
class ResponseChart:
    width: str
    height: str
    plot_left: str
    plot_right: str
    baseline: str
    year_y: str
    tick_x: str
    scale_max: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendEntry, ...]
    rows: tuple[TableRow, ...]
    total: TableRow
    first_year: str
    last_year: str


def response_chart(history: ResponseHistory) -> ResponseChart | None:
    """The chart of `history`, or None when the company was never asked to respond."""
    if not history.years or not history.total.requests:
        return None
    labels = outcome_labels()
    largest = max(year.counts.requests for year in history.years)
    step = nice_step(largest)
    scale_max = step * -(-largest // step)
    unit = PLOT_HEIGHT / scale_max  # the height of one request
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for index, year in enumerate(history.years):
        left = LEFT + index * SLOT + (SLOT - BAR) / 2
        stacked, segments = 0, []
        for outcome, fill, stroke in OUTCOMES:
            count = getattr(year.counts, outcome)
            if count:
                top = baseline - (stacked + count) * unit
                segments.append(
                    Segment(
                        outcome,
                        count,
                        fill,
                        stroke,
                        number(left),
                        number(top),
                        number(BAR),
                        number(count * unit),
                    )
                )
                stacked += count
        bars.append(
            Bar(
                year.year,
                year.counts.requests,
                tuple(segments),
                number(left + BAR / 2),
                number(baseline - stacked * unit - 6),
            )
        )
    plot_right = LEFT + max(len(bars), MIN_SLOTS) * SLOT
    ticks = tuple(
        Tick(value, number(baseline - value * unit)) for value in range(0, scale_max + 1, step)
    )
    return ResponseChart(
        width=number(plot_right + RIGHT),
        height=number(baseline + BOTTOM),
        plot_left=number(LEFT),
        plot_right=number(plot_right),
        baseline=number(baseline),
        year_y=number(baseline + 20),
        tick_x=number(LEFT - 8),
        scale_max=scale_max,
        bars=tuple(bars),
        ticks=ticks,
        legend=tuple(LegendEntry(key, labels[key], fill, stroke) for key, fill, stroke in OUTCOMES),
        rows=tuple(table_row(year.year, year.counts) for year in history.years),
        total=table_row(None, history.total),
        first_year=str(history.years[0].year),
        last_year=str(history.years[-1].year),
    )
