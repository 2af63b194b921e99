"""What a check, merge or import remembers while it runs: explicit objects made by the caller, never module state.

- ``PlanCache``: the workbook plans of one catalogue by (office, year). Reading a return rebuilds the plan of
  its office (``collect.layout.plan_workbook``, ~10,000 slots for a large office); a check needs it again for
  the rules, and duplicates across files may need it once more. Each plan is made once per cache.
- ``Caches``: the catalogue per file version (path, size, modification time) and the PlanCache of that
  catalogue. The entry points (check_files, check_returns, merge_returns, import_values) make one when given
  none and pass it down; a caller that runs several steps in one process (the demo) keeps one for all of them.

A worker process makes its own PlanCache from the catalogue it is sent (returns/workers.py).
"""

from __future__ import annotations

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.collect.layout import WorkbookPlan, plan_workbook
from toolkit.collect.layout_history import earlier_plan
from toolkit.core.workspace import Workspace

PLAN_CACHE_SIZE = 64  # plans kept (office x year); a round has one per office


class PlanCache:
    """The plans of one catalogue by (office, year); each made once (plan_workbook with its fingerprint).

    ``earlier``: the layouts workbooks were distributed with, (office, year, fingerprint) -> the kept catalogue part
    (collect/layout_history.py), from the store. A return made with an earlier catalogue is read by that plan.
    """

    def __init__(self, catalogue: Catalogue, earlier: dict[tuple[str, int, str], str] | None = None) -> None:
        self.catalogue = catalogue
        self.earlier = dict(earlier or {})
        self._plans: dict[tuple[str, int], WorkbookPlan] = {}
        self._earlier_plans: dict[tuple[str, int, str], WorkbookPlan | None] = {}

    def plan(self, office: str, year: int, fingerprint: str = "") -> WorkbookPlan:
        """The plan of the office's workbook for ``year``: by the catalogue, or by the earlier layout with
        ``fingerprint`` if a workbook was distributed with it."""
        plan = self._plans.get((office, year))
        if plan is None:
            if len(self._plans) >= PLAN_CACHE_SIZE:
                self._plans.clear()
            plan = self._plans[(office, year)] = plan_workbook(self.catalogue, office, year)
        if fingerprint and fingerprint != plan.fingerprint:
            return self.earlier_plan(office, year, fingerprint) or plan
        return plan

    def earlier_plan(self, office: str, year: int, fingerprint: str) -> WorkbookPlan | None:
        """The plan of a workbook distributed with an earlier catalogue (None if no such layout is known)."""
        key = (office, year, fingerprint)
        if key not in self._earlier_plans:
            text = self.earlier.get(key)
            self._earlier_plans[key] = earlier_plan(text, office, year, fingerprint) if text else None
        return self._earlier_plans[key]

    def __len__(self) -> int:
        return len(self._plans)


class Caches:
    """The catalogue of a working folder (read once per file version) and the plans of that catalogue."""

    def __init__(self) -> None:
        self._catalogue_key: tuple[str, int, int] | None = None
        self._catalogue: Catalogue | None = None
        self._plans: PlanCache | None = None

    def catalogue(self, workspace: Workspace) -> Catalogue:
        """The working folder's catalogue (catalogue.upgrade.workspace_catalogue), read again only when the file
        changed (size or modification time)."""
        path = workspace.catalogue_file
        try:
            stat = path.stat()
        except OSError:
            return workspace_catalogue(workspace)  # its German error names the missing file
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if self._catalogue is None or key != self._catalogue_key:
            self._catalogue, self._catalogue_key = workspace_catalogue(workspace), key
        return self._catalogue

    def plans(self, catalogue: Catalogue, earlier: dict[tuple[str, int, str], str] | None = None) -> PlanCache:
        """The PlanCache of ``catalogue`` (a new one when another catalogue object is given); ``earlier`` layouts
        (from the store) are added to it."""
        if self._plans is None or self._plans.catalogue is not catalogue:
            self._plans = PlanCache(catalogue)
        self._plans.earlier.update(earlier or {})
        return self._plans
