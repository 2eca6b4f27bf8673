"""Does the agreement the parties have fit the outcome, and does a verwerkersovereenkomst cover
the 14 points the source requires (overeenkomsten.yaml)? Pure; the texts are data in
knowledge/interface.yaml (our remarks, each with the citation it rests on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from avgkit.assessment import AgreementInPlace
from avgkit.classifier import Classification
from avgkit.knowledge import Knowledge, load_knowledge
from avgkit.models import Necessity, Text


@dataclass(frozen=True)
class Remark:
    id: str
    severity: str  # "hoog" | "midden" | "info"
    text: Text
    citations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "text": self.text.to_dict(),
                "citations": list(self.citations)}


@dataclass(frozen=True)
class AgreementReview:
    needed: str | None  # agreement id that follows from the outcome, None while undetermined
    necessity: Necessity | None
    in_place: str | None  # AgreementInPlace.kind
    fits: bool | None  # None while the outcome or the agreement in place is unknown
    remarks: tuple[Remark, ...] = ()
    points_missing: tuple[str, ...] = ()  # required points (vo-..) not covered
    points_missing_optional: tuple[str, ...] = ()
    points_covered: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"needed": self.needed,
                "necessity": self.necessity.value if self.necessity else None,
                "in_place": self.in_place, "fits": self.fits,
                "remarks": [r.to_dict() for r in self.remarks],
                "points_missing": list(self.points_missing),
                "points_missing_optional": list(self.points_missing_optional),
                "points_covered": list(self.points_covered)}


def _remark(kb: Knowledge, remark_id: str, extra_citations: tuple[str, ...] = (),
            **values: object) -> Remark:
    item = kb.interface.remarks[remark_id]
    citations = tuple(dict.fromkeys((*item.citations, *extra_citations)))
    return Remark(remark_id, item.severity, item.text.format(**values), citations)


def review_agreement(result: Classification, in_place: AgreementInPlace,
                     knowledge: Knowledge | None = None) -> AgreementReview:
    kb = knowledge or load_knowledge()
    needed = result.agreement
    kind = in_place.kind
    remarks: list[Remark] = []
    contents = kb.overeenkomsten.verwerkersovereenkomst_contents
    missing = missing_optional = covered = ()
    if kind == "verwerkersovereenkomst":
        covered = tuple(p.id for p in contents.points if in_place.points.get(p.id))
        missing = tuple(p.id for p in contents.points
                        if not p.optional and not in_place.points.get(p.id))
        missing_optional = tuple(p.id for p in contents.points
                                 if p.optional and not in_place.points.get(p.id))
        if not in_place.reviewed:
            remarks.append(_remark(kb, "vo-not-reviewed"))
        elif missing:
            numbers = ", ".join(str(p.number) for p in contents.points if p.id in missing)
            remarks.append(_remark(kb, "vo-points-missing", numbers=numbers))
    if kind is None and needed is not None and needed.necessity is Necessity.REQUIRED:
        # A required agreement that nobody recorded is missing until shown otherwise
        # (art. 5 lid 2 AVG: the controller must be able to demonstrate compliance).
        return AgreementReview(
            needed.id, needed.necessity, kind, False,
            (_remark(kb, "agreement-required-missing", needed.citations, needed=needed.name),
             _remark(kb, "agreement-not-recorded"), *remarks),
            missing, missing_optional, covered)
    if needed is None or kind is None:
        if kind is None:
            remarks.insert(0, _remark(kb, "agreement-not-recorded"))
        return AgreementReview(needed.id if needed else None,
                               needed.necessity if needed else None, kind, None,
                               tuple(remarks), missing, missing_optional, covered)
    fits = kind == needed.id or (needed.necessity is Necessity.NONE and kind == "geen")
    first: list[Remark] = []
    if not fits:
        if needed.necessity is Necessity.REQUIRED:
            first.append(_remark(kb, "agreement-required-missing", needed.citations,
                                 needed=needed.name))
        elif needed.necessity is Necessity.RECOMMENDED:
            first.append(_remark(kb, "agreement-recommended-missing", needed.citations,
                                 needed=needed.name))
        else:
            first.append(_remark(kb, "agreement-not-needed"))
        if kind == "verwerkersovereenkomst":
            first.append(_remark(kb, "vo-without-processor"))
    return AgreementReview(needed.id, needed.necessity, kind, fits, (*first, *remarks), missing,
                           missing_optional, covered)
