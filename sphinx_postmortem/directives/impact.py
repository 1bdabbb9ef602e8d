"""The ``impact`` directive: the figures of an incident's impact, then prose."""

from __future__ import annotations

from docutils import nodes

from ..elements import field_list
from ..errors import PostmortemError
from ..model import ImpactFigure, ImpactRecord
from ..quantities import format_figure, parse_quantity
from .base import PostmortemDirective
from .options import OpenOptionSpec


class ImpactDirective(PostmortemDirective):
    """``.. impact::`` with one option per configured impact metric, then prose.

    The metrics come from ``postmortem_impact_metrics``, so any option name is
    read and an unknown one is warned about (naming the configured metrics)
    rather than dropping the directive. A page has one impact: a second one is
    rendered but its figures are not counted.
    """

    has_content = True
    option_spec = OpenOptionSpec()

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        existing = self.domain.impact(docname)
        if existing is not None:
            self.warn(
                f"a page has one impact; one is already given on line {existing['lineno']}, "
                "so the figures of this one are ignored"
            )
            return [self._container([], self.parse_body())]
        figures = self._figures()
        target = self.anchor("impact", docname)
        body = self.parse_body()
        record = ImpactRecord(
            figures=figures,
            body="\n\n".join(n.astext() for n in body),
            docname=docname,
            anchor=target["ids"][0],
            lineno=self.lineno,
        )
        self.domain.note_impact(record)
        return [target, self._container(figures, body)]

    def _figures(self) -> list[ImpactFigure]:
        """The figures given, in the order written; unknown or malformed ones are left out."""
        metrics = self.settings.impact_metrics
        self.warn_unknown_options(list(metrics), "configured metrics (postmortem_impact_metrics)")
        figures = []
        for name, value in self.options.items():
            if name not in metrics:
                continue
            label, unit, kind = metrics[name]
            text = " ".join(("" if value is None else str(value)).split())
            if not text:
                self.warn(f":{name}: has no value; figure left out")
                continue
            try:
                number = parse_quantity(text, kind, unit)
            except PostmortemError as exc:
                self.warn(f":{name}: {exc}; figure left out")
                continue
            figures.append(
                ImpactFigure(
                    metric=name, label=label, unit=unit, kind=kind, value=number, text=text
                )
            )
        return figures

    def _container(self, figures: list[ImpactFigure], body: list[nodes.Node]) -> nodes.container:
        """A ``pm-impact`` block: the figures as a field list (label: value), then the prose."""
        container = nodes.container(classes=["pm-impact"])
        if figures:
            container += field_list(
                [(figure["label"], format_figure(figure)) for figure in figures],
                classes=["pm-impact-figures"],
            )
        container.extend(body)
        self.set_source_info(container)
        return container
