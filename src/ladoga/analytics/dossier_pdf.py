"""The client dossier as a PDF (A9), with the proposals' font and look (`sales.pdf`)."""

from django.utils.translation import gettext as _

from ladoga.sales.pdf import FAMILY, FONT_SIZE, _date, _Form, _money
from ladoga.sales.services.company import own_company

from .dossier import NO_VALUE, Dossier


class _Dossier(_Form):
    def section(self, title: str) -> None:
        self.pdf.ln(2)
        self.pdf.set_font(FAMILY, "B", 11)
        self.pdf.multi_cell(0, 6, title, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(FAMILY, size=FONT_SIZE)

    def table(self, widths, headings, rows, numeric=frozenset()) -> None:
        if not rows:
            self.note(NO_VALUE)
            return
        with self._table(widths) as table:
            self._row(table, headings, set(numeric))
            for row in rows:
                self._row(table, [str(v) if v not in (None, "") else "" for v in row], set(numeric))
        self.pdf.ln(2)


def dossier_pdf(dossier: Dossier) -> bytes:
    """Every section of the dossier page, in the same order."""
    partner = dossier.partner
    form = _Dossier(
        title=_("Client dossier: %(name)s") % {"name": partner.name}, company=own_company()
    )
    manager = partner.manager
    form.parties(
        [
            (_("Manager"), (manager.get_full_name() or manager.username) if manager else NO_VALUE),
            (_("Classification"), dossier.classification),
            (_("Segments"), ", ".join(dossier.segments) or NO_VALUE),
            (_("On"), _date(dossier.on)),
        ]
    )
    form.section(_("Counterparties"))
    form.table(
        (30, 14, 10, 16, 30),
        (_("Name"), _("INN"), _("KPP"), _("OGRN"), _("Legal address")),
        [
            (c["full_name"] or c["name"], c["inn"], c["kpp"], c["ogrn"], c["legal_address"])
            for c in dossier.counterparties
        ],
    )
    form.section(_("Contact persons"))
    form.table(
        (30, 20, 20, 30),
        (_("Name"), _("Position"), _("Role"), _("Contacts")),
        [
            (c["name"], c["position"], c["decision_role"], ", ".join(i["value"] for i in c["info"]))
            for c in dossier.contacts
        ],
    )
    form.section(_("Relations"))
    form.table(
        (1, 1),
        (_("Relation"), _("Partner")),
        [(r["name"], r["partner"]) for r in dossier.relations],
    )
    form.section(_("Active agreements and contracts"))
    form.table(
        (40, 20, 20),
        (_("Agreement or contract"), _("Valid from"), _("Valid to")),
        [(a["name"], _date(a["valid_from"]), _date(a["valid_to"])) for a in dossier.agreements]
        + [
            (f"{_('Contract')} {c['number']}", _date(c["valid_from"]), _date(c["valid_to"]))
            for c in dossier.contracts
        ],
    )
    form.section(_("Deals"))
    form.table(
        (15, 40, 20, 20),
        (_("Number"), _("Deal"), _("Stage"), _("Amount")),
        [
            (d["number"], d["name"], d["stage"], _money(d["amount"]))
            for d in dossier.open_deals + dossier.closed_deals
        ],
        numeric={3},
    )
    form.section(_("Documents"))
    form.table(
        (20, 20, 15, 20),
        (_("Document"), _("Number"), _("Date"), _("Total")),
        [(d["kind"], d["number"], _date(d["date"]), _money(d["total"])) for d in dossier.documents],
        numeric={3},
    )
    form.section(_("Interactions"))
    form.table(
        (18, 15, 45, 22),
        (_("Date"), _("Kind"), _("Topic"), _("Responsible")),
        [
            (_date(i["start"]), i["kind_label"], i["title"], i["responsible"])
            for i in dossier.timeline
        ],
    )
    form.section(_("Claims"))
    form.table(
        (15, 15, 20, 50),
        (_("Number"), _("Date"), _("Status"), _("Essence")),
        [(c["number"], _date(c["date"]), c["status"], c["essence"]) for c in dossier.claims],
    )
    form.section(_("Revenue by month"))
    form.table(
        (1, 1),
        (_("Month"), _("Revenue")),
        [
            (row["month"].strftime("%m.%Y"), _money(row["revenue"]))
            for row in dossier.revenue_by_month
        ],
        numeric={1},
    )
    form.section(_("Payment discipline"))
    payments = dossier.payments
    form.parties(
        [
            (_("Payments"), str(payments["payments"])),
            (_("Late"), str(payments["late"])),
            (_("Average days late"), str(payments["average_days_late"] or NO_VALUE)),
            (_("Current debt"), _money(payments["debt"])),
        ]
    )
    form.section(_("Loyalty cards"))
    form.table(
        (22, 22, 30, 14, 12),
        (_("Number"), _("Kind"), _("Holder"), _("Status"), _("Discount, %")),
        [
            (c["number"], c["kind"], c["holder"], c["status"], str(c["percent"]))
            for c in dossier.loyalty_cards
        ],
        numeric=frozenset({4}),
    )
    return bytes(form.pdf.output())
