"""Change across questionnaire occasions: each scale's scores, its Reliable Change Index
from the first occasion, and a small chart drawn on the server as SVG."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from groupwork.assessment.instrument import Scale
from groupwork.assessment.models import Administration, PathwayDecision, RiskScore
from groupwork.assessment.reliable_change import crosses_cutoff, reliable_change
from groupwork.referrals.models import Referral

CHART_WIDTH, CHART_HEIGHT, PADDING = 240, 120, 24


@dataclass(frozen=True)
class Point:
    occasion: str
    score: float


@dataclass(frozen=True)
class ScaleChange:
    instrument: str
    scale: Scale
    points: tuple[Point, ...]
    rci: float | None
    direction: str
    crossed_cut_off: bool

    @property
    def chart(self) -> SafeString:
        return scale_chart(self)


def scale_changes(
    administrations: Iterable[Administration], occasion_labels: dict[str, str]
) -> list[ScaleChange]:
    """For each scale of each questionnaire he finished, the scores in occasion order and the
    change from the first to the latest."""
    order = list(occasion_labels)
    finished = sorted(
        (a for a in administrations if a.is_completed),
        key=lambda a: (
            order.index(a.occasion) if a.occasion in order else len(order),
            a.started_at,
        ),
    )
    by_scale: dict[tuple[str, str], list[Point]] = {}
    scales: dict[tuple[str, str], tuple[str, Scale]] = {}
    for administration in finished:
        instrument = administration.version.parsed
        for score in administration.scores.all():
            if score.score is None:
                continue
            scale = next(s for s in instrument.scales if s.code == score.scale)
            key = (instrument.code, scale.code)
            scales[key] = (instrument.name, scale)
            label = occasion_labels.get(administration.occasion, administration.occasion)
            by_scale.setdefault(key, []).append(Point(label, score.score))
    return [_change(*scales[key], tuple(points)) for key, points in by_scale.items()]


def _change(instrument: str, scale: Scale, points: tuple[Point, ...]) -> ScaleChange:
    if len(points) < 2:  # noqa: PLR2004  (a change needs two occasions)
        return ScaleChange(instrument, scale, points, None, "only one occasion so far", False)
    first, latest = points[0].score, points[-1].score
    change = reliable_change(
        pre=first,
        post=latest,
        sd=scale.sd,
        reliability=scale.reliability,
        higher_is_better=scale.higher_is_better,
    )
    crossed = scale.cut_off is not None and crosses_cutoff(
        pre=first, post=latest, cutoff=scale.cut_off, higher_is_better=scale.higher_is_better
    )
    return ScaleChange(instrument, scale, points, round(change.rci, 2), change.direction, crossed)


def scale_chart(change: ScaleChange) -> SafeString:
    """A line of the scale's scores by occasion, with the cut-off dashed. Decorative: the
    table beside it holds the same figures."""
    values = [point.score for point in change.points]
    if change.scale.cut_off is not None:
        values.append(change.scale.cut_off)
    low, high = min(values + [0.0]), max(values) or 1.0
    span = (high - low) or 1.0

    def x(index: int) -> float:
        steps = max(len(change.points) - 1, 1)
        return PADDING + index * (CHART_WIDTH - 2 * PADDING) / steps

    def y(value: float) -> float:
        return CHART_HEIGHT - PADDING - (value - low) * (CHART_HEIGHT - 2 * PADDING) / span

    line = " ".join(f"{x(i):.1f},{y(p.score):.1f}" for i, p in enumerate(change.points))
    dots = "".join(
        format_html('<circle cx="{}" cy="{}" r="4" />', f"{x(i):.1f}", f"{y(p.score):.1f}")
        for i, p in enumerate(change.points)
    )
    cut = ""
    if change.scale.cut_off is not None:
        level = f"{y(change.scale.cut_off):.1f}"
        cut = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke-dasharray="4 4" stroke="#505a5f" />',
            PADDING,
            CHART_WIDTH - PADDING,
            level,
            level,
        )
    return mark_safe(  # noqa: S308  (every value above is a number or escaped)
        f'<svg class="gw-chart" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" aria-hidden="true" focusable="false">'
        f"{cut}"
        f'<polyline points="{escape(line)}" fill="none" stroke="#1d70b8" stroke-width="3" />'
        f'<g fill="#1d70b8">{dots}</g></svg>'
    )


@dataclass(frozen=True)
class ReferralAssessment:
    administrations: list[Administration]
    changes: list[ScaleChange]
    occasion_labels: dict[str, str]
    risk: RiskScore | None
    pathway: PathwayDecision | None
    pathway_label: str


def referral_assessment(
    referral: Referral,
    *,
    administrations: Iterable[Administration] | None = None,
    decisions: Iterable[PathwayDecision] | None = None,
) -> ReferralAssessment:
    """What his record shows of assessment for one referral (`referral_assessments`)."""
    return referral_assessments([referral], administrations=administrations, decisions=decisions)[0]


def referral_assessments(
    referrals: Sequence[Referral],
    *,
    administrations: Iterable[Administration] | None = None,
    decisions: Iterable[PathwayDecision] | None = None,
) -> list[ReferralAssessment]:
    """What his record shows of assessment for each referral, in a fixed number of queries
    however many. `administrations` (with their versions and instruments) and pathway
    `decisions`, of any of his referrals, are his rows read already: his record page reads
    them for his timeline."""
    if administrations is None:
        administrations = Administration.objects.filter(referral__in=referrals).select_related(
            "version__instrument"
        )
    wanted = {referral.pk for referral in referrals}
    administrations = [a for a in administrations if a.referral_id in wanted]
    prefetch_related_objects(administrations, "scores")
    if decisions is None:
        decisions = PathwayDecision.objects.filter(referral__in=referrals)
    latest_decision: dict[uuid.UUID, PathwayDecision] = {}
    for decision in sorted(decisions, key=lambda d: (d.decided_at, d.pk)):
        latest_decision[decision.referral_id] = decision
    latest_risk: dict[uuid.UUID, RiskScore] = {}
    for risk in RiskScore.objects.filter(referral__in=referrals).order_by("scored_at", "pk"):
        latest_risk[risk.referral_id] = risk
    return [
        _assessment(
            referral,
            [a for a in administrations if a.referral_id == referral.pk],
            latest_decision.get(referral.pk),
            latest_risk.get(referral.pk),
        )
        for referral in referrals
    ]


def _assessment(
    referral: Referral,
    administrations: list[Administration],
    decision: PathwayDecision | None,
    risk: RiskScore | None,
) -> ReferralAssessment:
    definition = referral.programme.current_version().parsed
    labels = {o["code"]: o["label"] for o in definition.raw["questionnaire_occasions"]}
    pathway_label = ""
    if decision is not None:
        pathway_label = next(
            (p.label for p in definition.pathways if p.code == decision.pathway), decision.pathway
        )
    return ReferralAssessment(
        administrations=administrations,
        changes=scale_changes(administrations, labels),
        occasion_labels=labels,
        risk=risk,
        pathway=decision,
        pathway_label=pathway_label,
    )
