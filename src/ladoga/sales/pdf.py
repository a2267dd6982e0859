"""PDF forms of the commercial proposal and the invoice (S6, S10).

The same content as the printable pages (`templates/sales/print_*.html`): the own
company's requisites, the title with number and date, the parties, the lines, the totals
with VAT, the invoice's payment stages, the signatures. One builder (`_Form`) serves both
documents; the texts are the templates' own messages, so both forms read the same in
every language.

fpdf2 is pure Python and the Roboto font (with Cyrillic) comes from the `font-roboto`
package, so a PDF needs nothing from the operating system.
"""

from decimal import Decimal

import font_roboto
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.fonts import FontFace

from ladoga.core.formats import amount_format, money_format, quantity_format

FAMILY = "Roboto"
FONT_SIZE = 9
MARGIN = 15  # mm
LINE_COLUMNS = (7, 56, 17, 12, 20, 19, 13, 26)  # relative widths of the lines table


def _money(value, currency: str | None = None) -> str:
    """An amount as printed: two decimals, half-up, grouped in the reader's language
    (`core.formats`, as on the pages); with its currency sign when `currency` is given."""
    value = value if value is not None else Decimal("0")
    return money_format(value, currency) if currency else amount_format(value)


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _text(value) -> str:
    return str(value) if value not in (None, "") else ""


class _Form:
    """An A4 sheet with the own company's requisites on top and signatures below."""

    def __init__(self, *, title: str, company):
        self.company = company
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(auto=True, margin=MARGIN)
        self.pdf.add_font(FAMILY, "", font_roboto.font_files["Roboto"])
        self.pdf.add_font(FAMILY, "B", font_roboto.font_files["RobotoBold"])
        self.pdf.set_title(title)
        self.pdf.set_creator("Ladoga")
        self.pdf.add_page()
        self.pdf.set_font(FAMILY, size=FONT_SIZE)
        self._requisites()
        self._title(title)

    def _requisites(self) -> None:
        c = self.company
        dash = "—"
        head = c.full_name or c.name or _("Own company: fill in its requisites")
        contacts = ", ".join(x for x in (c.address, c.phone, c.email) if x)
        with self.pdf.table(
            col_widths=(1, 1),
            first_row_as_headings=False,
            line_height=5,
            padding=1.5,
            text_align="LEFT",
        ) as table:
            row = table.row()
            row.cell(f"{head}\n{contacts}" if contacts else head, colspan=2)
            row = table.row()
            row.cell(f"{_('INN')} {c.inn or dash} / {_('KPP')} {c.kpp or dash}")
            row.cell(f"{_('OGRN')} {c.ogrn or dash}")
            row = table.row()
            row.cell(f"{_('Bank')}: {c.bank_name or dash}")
            row.cell(
                f"{_('BIK')} {c.bik or dash}\n"
                f"{_('Corr. account')} {c.correspondent_account or dash}"
            )
            row = table.row()
            row.cell(f"{_('Account')} {c.account or dash}", colspan=2)
        self.pdf.ln(6)

    def _title(self, title: str) -> None:
        self.pdf.set_font(FAMILY, "B", 13)
        self.pdf.multi_cell(0, 7, title, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(FAMILY, size=FONT_SIZE)
        self.pdf.ln(2)

    def parties(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.pdf.set_font(FAMILY, "B", FONT_SIZE)
            self.pdf.cell(30, 5, f"{label}:")
            self.pdf.set_font(FAMILY, size=FONT_SIZE)
            self.pdf.multi_cell(0, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def lines(self, lines, *, total, vat_total, currency: str, tax_regime: str) -> None:
        """The lines table and the totals (as `sales/_print_lines.html`)."""
        headings = (
            "№",
            _("Product"),
            _("Quantity"),
            _("Unit"),
            _("Price"),
            _("Discount, %"),
            _("VAT, %"),
            _("Amount"),
        )
        numeric = {2, 4, 5, 6, 7}
        with self._table(LINE_COLUMNS) as table:
            self._row(table, headings, numeric)
            for number, line in enumerate(lines, start=1):
                self._row(
                    table,
                    (
                        str(number),
                        line.product.name,
                        quantity_format(line.quantity),
                        _text(line.product.unit),
                        _money(line.price),
                        floatformat(line.discount_percent, "-2"),
                        floatformat(line.vat_rate, "-2"),
                        _money(line.total),
                    ),
                    numeric,
                )
        if tax_regime == "not_subject":
            vat_label = _("Not subject to VAT")
        elif tax_regime == "vat_on_top":
            vat_label = _("VAT on top")
        else:
            vat_label = _("Including VAT")
        self.pdf.ln(2)
        for label, value, bold in (
            (_("Total"), _money(total, currency), False),
            (vat_label, _money(vat_total, currency), False),
            (_("To pay"), _money(total, currency), True),
        ):
            self.pdf.set_font(FAMILY, "B" if bold else "", FONT_SIZE)
            self.pdf.cell(0, 5, f"{label}: {value}", align="R", new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(FAMILY, size=FONT_SIZE)
        self.pdf.ln(3)

    def stages(self, stages) -> None:
        """The invoice's payment stages with their due dates."""
        numeric = {1, 3}
        with self._table((40, 15, 20, 25)) as table:
            self._row(table, (_("Payment stage"), _("Share, %"), _("Due"), _("Amount")), numeric)
            for stage in stages:
                self._row(
                    table,
                    (
                        str(stage.get_basis_display()),
                        floatformat(stage.percent, "-2"),
                        _date(stage.due_date),
                        _money(stage.amount),
                    ),
                    numeric,
                )
        self.pdf.ln(3)

    def note(self, text: str) -> None:
        if text:
            self.pdf.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
            self.pdf.ln(1)

    def finish(self) -> bytes:
        self.pdf.ln(8)
        width = (self.pdf.w - 2 * MARGIN) / 2
        self.pdf.cell(width, 5, f"{_('Director')} {self.company.director}")
        self.pdf.cell(width, 5, f"{_('Chief accountant')} {self.company.accountant}")
        return bytes(self.pdf.output())

    def _table(self, widths):
        return self.pdf.table(
            col_widths=widths,
            line_height=5,
            padding=1,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD"),
        )

    @staticmethod
    def _row(table, values, numeric: set[int]) -> None:
        row = table.row()
        for index, value in enumerate(values):
            row.cell(value, align="RIGHT" if index in numeric else "LEFT")


def proposal_pdf(*, document, lines, company) -> bytes:
    """A commercial proposal: the same content as `sales/print_proposal.html`."""
    form = _Form(
        title=_("Commercial proposal № %(number)s of %(date)s")
        % {"number": document.number, "date": _date(document.date)},
        company=company,
    )
    counterparty = document.counterparty
    addressee = (
        (counterparty.full_name or str(counterparty)) if counterparty else str(document.partner)
    )
    rows = [(pgettext("addressee", "To"), addressee)]
    if document.agreement:
        rows.append((_("Terms"), document.agreement.name))
    if document.valid_until:
        rows.append((_("Valid until"), _date(document.valid_until)))
    form.parties(rows)
    form.lines(
        lines,
        total=document.total,
        vat_total=document.vat_total,
        currency=document.currency,
        tax_regime=document.tax_regime,
    )
    form.note(document.comment)
    if document.manager:
        form.note(f"{_('Your manager')}: {document.manager}")
    return form.finish()


def invoice_pdf(*, document, lines, stages, company) -> bytes:
    """An invoice for payment: the same content as `sales/print_invoice.html`."""
    form = _Form(
        title=_("Invoice for payment № %(number)s of %(date)s")
        % {"number": document.number, "date": _date(document.date)},
        company=company,
    )
    counterparty = document.counterparty
    buyer = [counterparty.full_name or str(counterparty)]
    if counterparty.inn:
        buyer.append(f"{_('INN')} {counterparty.inn}")
    if counterparty.legal_address:
        buyer.append(counterparty.legal_address)
    form.parties([(_("Buyer"), ", ".join(buyer)), (_("Order"), document.order.number)])
    form.lines(
        lines,
        total=document.total,
        vat_total=document.vat_total,
        currency=document.currency,
        tax_regime=document.order.tax_regime,
    )
    form.stages(stages)
    return form.finish()
