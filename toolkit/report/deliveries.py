"""The deliveries of a round, as the internal edition's Anhang lists them: per office the file taken over (or the
return not taken over, with its Fehler), when, its warnings and whom to ask. Read from the store; never in the
published edition (context.py puts them in only for the internal one).
"""

from __future__ import annotations

import json

from toolkit.catalogue.model import Catalogue, Office
from toolkit.core.cells import count_of, german_date
from toolkit.core.store import DeliverySource, Store, in_effect
from toolkit.core.workspace import Workspace


def round_deliveries(workspace: Workspace, year: int, catalogue: Catalogue) -> tuple[list[dict], set[str]]:
    """The internal Anhang's rows: the deliveries of the round and the returns not taken over (file, warnings,
    errors, contact); the offices that delivered."""
    with Store.read_only(workspace.store_file) as store:
        delivery_rows = [dict(r) for r in store.deliveries(year) if r["source"] != DeliverySource.WITHDRAWAL]
        check_rows = [dict(r) for r in store.checks(year)]
    deliveries = [_delivery(row, catalogue) for row in delivery_rows]
    merged = {row["sha256"] for row in delivery_rows}
    deliveries += [_rejected(row, catalogue) for row in check_rows if not row["ok"] and row["sha256"] not in merged]
    return deliveries, {row["office"] for row in delivery_rows if in_effect(row)}


def _rejected(row: dict, catalogue: Catalogue) -> dict:
    """A checked return with Fehler that was not taken over (from the store's check results)."""
    office = catalogue.offices.get(row.get("office") or "")
    checked = str(row.get("checked_at") or "")
    when = german_date(checked)
    return {"stelle": office.name if office else (row.get("office") or "unbekannt"), "datei": row["file_name"],
            "zeitpunkt": f"nicht übernommen (geprüft {when})",
            "warnungen": f"{row['n_fehler']} Fehler, {count_of(row['n_warnungen'], 'Warnung')}",
            "kontakt": _contact(office)}


def _delivery(row: dict, catalogue: Catalogue) -> dict:
    office = catalogue.offices.get(row["office"])
    try:
        problems = json.loads(row.get("problems_json") or "[]")
    except json.JSONDecodeError:
        problems = []
    warnings = [p.get("message", "") for p in problems if isinstance(p, dict) and p.get("severity") == "warnung"]
    n = int(row.get("n_warnungen") or len(warnings))
    text = "keine" if not n else f"{n}: " + "; ".join(w for w in warnings[:3] if w)
    if n > 3:
        text += " …"
    merged = str(row.get("merged_at") or "")
    when = german_date(merged)
    source = " (Import)" if row.get("source") == DeliverySource.IMPORT else ""
    when += "" if in_effect(row) else " (zurückgezogen)"
    return {"stelle": (office.name if office else row["office"]) + source, "datei": row["file_name"],
            "zeitpunkt": when, "warnungen": text.strip().rstrip(":"), "kontakt": _contact(office)}


def _contact(office: Office | None) -> str:
    """Whom the coordination asks about a delivery (internal edition only)."""
    return f"{office.ansprechperson}, {office.email}" if office else "–"
