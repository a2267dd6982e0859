// Behaviour of the sales pages, asked for with data- attributes (no inline scripts: CSP).
//   [data-pick]                    a partner picker (sales/widgets/partner_pick.html):
//     input[data-pick-search]      htmx fetches the matching partners into [data-pick-results]
//     button[data-pick-option]     a result: puts its id into input[data-pick-id] and its
//                                  name (data-pick-label) into [data-pick-shown], then
//                                  fires "change" on input[data-pick-id] (the order and
//                                  proposal forms' partner-dependent selects follow it
//                                  with htmx: sales/_partner_options.html)
//   Enter in the search box picks the first result instead of sending the form;
//   Escape closes the results; the arrow keys move between the search box and the results.
//   [data-lines]                   the lines of an order or a proposal (sales/_lines.html):
//     button[data-line-add]        adds a row copied from template[data-line-template]
//                                  (the formset's empty form) without saving
//     input[data-line-remove]      the row's "Remove" box: the row is left out of the totals
//                                  (and of the document when it is saved)
//     a product picked in a row    asks data-price-url for the agreement's price (JSON), and
//                                  puts it into the row's price (an order: data-own-price)
//                                  or shows it (a proposal)
//     [data-lines-amount|vat|total] the document's totals, computed as the rows are typed
//                                  in by the rules the service uses (sales.rules.line_amounts)
"use strict";

function pickChoose(option) {
  const picker = option.closest("[data-pick]");
  if (!picker) return;
  const chosen = picker.querySelector("input[data-pick-id]");
  const changed = chosen.value !== option.dataset.pickOption;
  chosen.value = option.dataset.pickOption;
  picker.querySelector("[data-pick-shown]").textContent = option.dataset.pickLabel;
  const search = picker.querySelector("input[data-pick-search]");
  search.value = "";
  picker.querySelector("[data-pick-results]").replaceChildren();
  search.focus();
  if (changed) chosen.dispatchEvent(new Event("change", { bubbles: true }));
}

document.addEventListener("click", (event) => {
  const option = event.target.closest("[data-pick] button[data-pick-option]");
  if (!option) return;
  event.preventDefault();
  pickChoose(option);
});

document.addEventListener("keydown", (event) => {
  const search = event.target.closest("input[data-pick-search]");
  if (!search) return;
  const picker = search.closest("[data-pick]");
  if (event.key === "Enter") {
    event.preventDefault();
    const first = picker.querySelector("button[data-pick-option]");
    if (first) pickChoose(first);
  } else if (event.key === "Escape") {
    picker.querySelector("[data-pick-results]").replaceChildren();
  } else if (event.key === "ArrowDown") {
    const first = picker.querySelector("button[data-pick-option]");
    if (first) {
      event.preventDefault();
      first.focus();
    }
  }
});

// The arrow keys move between the results; up from the first goes back to the search box.
document.addEventListener("keydown", (event) => {
  const option = event.target.closest("[data-pick] button[data-pick-option]");
  if (!option || !["ArrowDown", "ArrowUp", "Escape"].includes(event.key)) return;
  event.preventDefault();
  const picker = option.closest("[data-pick]");
  const options = [...picker.querySelectorAll("button[data-pick-option]")];
  const search = picker.querySelector("input[data-pick-search]");
  const at = options.indexOf(option);
  if (event.key === "Escape") {
    picker.querySelector("[data-pick-results]").replaceChildren();
    search.focus();
  } else if (event.key === "ArrowDown") {
    (options[at + 1] || option).focus();
  } else {
    (options[at - 1] || search).focus();
  }
});

// Lines edited in place ------------------------------------------------------------------

const HUNDRED = 100;

// A number as typed in either language ("3,5", "3.5", "1 234,5"), or null: empty, both a
// dot and a comma ("1.234,5", which the server refuses as well), or not a number.
function linesNumber(text) {
  const value = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace("\u2212", "-");
  if (!value || (value.includes(".") && value.includes(","))) return null;
  const plain = value.replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(plain)) return null;
  return Number(plain);
}

// Kopecks, halves away from zero (sales.rules.money_round), on whole kopecks to stay exact.
function linesRound(value) {
  const cents = Math.round(Math.abs(value) * HUNDRED + 1e-7);
  return (Math.sign(value) * cents) / HUNDRED;
}

function linesFormat(value) {
  const lang = document.documentElement.lang || "en";
  return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    .format(value);
}

// A price from the server ("475.00") as the reader types it ("475,00" in Russian).
function linesTyped(price) {
  const lang = document.documentElement.lang || "en";
  return lang.startsWith("ru") ? price.replace(".", ",") : price;
}

function linesField(row, name) {
  return row.querySelector(`[name$="-${name}"]:not([type="search"])`);
}

function linesRowPrice(table, row) {
  if (table.hasAttribute("data-own-price")) {
    const typed = linesField(row, "price");
    if (typed && typed.value.trim()) return linesNumber(typed.value);
  }
  return row.dataset.agreementPrice ? Number(row.dataset.agreementPrice) : null;
}

// (amount, VAT, total) of a row as sales.rules.line_amounts computes it, or null.
function linesRowAmounts(table, row) {
  const product = linesField(row, "product");
  if (!product || !product.value) return null;
  const quantity = linesNumber(linesField(row, "quantity")?.value);
  const price = linesRowPrice(table, row);
  const discountField = linesField(row, "discount_percent");
  const discount = discountField && discountField.value.trim() ? linesNumber(discountField.value) : 0;
  if (quantity === null || price === null || discount === null) return null;
  const amount = linesRound(quantity * price * (HUNDRED - discount) / HUNDRED);
  const rate = Number(row.querySelector("[data-line-product]")?.dataset.vatRate || 0);
  const regime = table.dataset.taxRegime;
  if (regime === "vat_included") return [amount, linesRound(amount * rate / (HUNDRED + rate)), amount];
  if (regime === "vat_on_top") {
    const vat = linesRound(amount * rate / HUNDRED);
    return [amount, vat, linesRound(amount + vat)];
  }
  return [amount, 0, amount];
}

function linesTotal(table) {
  const sums = [0, 0, 0];
  for (const row of table.querySelectorAll("[data-lines-body] tr[data-line]")) {
    const removed = row.querySelector("input[data-line-remove]")?.checked;
    row.classList.toggle("sales-line-removed", Boolean(removed));
    const shown = row.querySelector("[data-line-price-shown]");
    if (shown) {
      shown.textContent = row.dataset.agreementPrice ? linesFormat(Number(row.dataset.agreementPrice)) : "—";
    }
    const amounts = removed ? null : linesRowAmounts(table, row);
    row.querySelector("[data-line-total]").textContent = amounts ? linesFormat(amounts[2]) : "—";
    if (amounts) amounts.forEach((value, i) => { sums[i] = linesRound(sums[i] + value); });
  }
  const panel = table.closest("form") || document;
  panel.querySelector("[data-lines-amount]").textContent = linesFormat(sums[0]);
  panel.querySelector("[data-lines-vat]").textContent = linesFormat(sums[1]);
  panel.querySelector("[data-lines-total]").textContent = linesFormat(sums[2]);
}

function linesValue(form, name) {
  const field = form.querySelector(`[name="${name}"]`);
  return field ? field.value.trim() : "";
}

// Ask the server the agreement's price of the row's product; `fill` puts it into an
// order row's price field (a product just picked, or a price that was filled in before).
async function linesPrice(table, row, fill) {
  const product = linesField(row, "product");
  if (!product || !product.value) return;
  const form = table.closest("form");
  const query = new URLSearchParams({
    product: product.value,
    agreement: linesValue(form, "agreement"),
    partner: table.dataset.partner || linesValue(form, "partner"),
    date: linesValue(form, "date"),
    card: linesValue(form, "loyalty_card"),
  });
  const response = await fetch(`${table.dataset.priceUrl}?${query}`, {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return;
  const found = await response.json();
  const picker = row.querySelector("[data-line-product]");
  if (picker) picker.dataset.vatRate = found.vat_rate;
  // A new document takes its agreement's tax regime, an existing one keeps its own until
  // another agreement is chosen (as the services do).
  if (found.tax_regime && "regimeFollows" in table.dataset) table.dataset.taxRegime = found.tax_regime;
  if (found.price === null) {
    delete row.dataset.agreementPrice;
  } else {
    row.dataset.agreementPrice = found.price;
  }
  const typed = linesField(row, "price");
  if (typed) {
    typed.placeholder = found.price === null ? "" : linesTyped(found.price);
    if (fill && found.price !== null) {
      typed.value = linesTyped(found.price);
      row.dataset.filledPrice = typed.value;
    }
  }
  linesTotal(table);
}

function linesAdd(table) {
  const prefix = table.dataset.prefix;
  const form = table.closest("form");
  const count = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const template = form.querySelector("template[data-line-template]");
  const index = Number(count.value);
  const holder = document.createElement("tbody");
  holder.innerHTML = template.innerHTML.replaceAll("__prefix__", String(index));
  const row = holder.querySelector("tr");
  table.querySelector("[data-lines-body]").append(row);
  count.value = String(index + 1);
  if (window.htmx) window.htmx.process(row);
  row.querySelector("input[data-pick-search]")?.focus();
  linesTotal(table);
}

document.addEventListener("click", (event) => {
  const add = event.target.closest("button[data-line-add]");
  if (!add) return;
  event.preventDefault();
  const form = add.closest("form");
  linesAdd(form.querySelector("table[data-lines]"));
});

document.addEventListener("change", (event) => {
  const form = event.target.closest("form");
  const table = form?.querySelector("table[data-lines]");
  if (!table) return;
  const row = event.target.closest("tr[data-line]");
  if (row && event.target.matches("input[data-pick-id]")) {
    linesPrice(table, row, true);
  } else if (event.target.matches('[name="agreement"], [name="date"], [name="loyalty_card"]')) {
    // Other terms, other prices: refresh them (an order's price typed by hand stays).
    if (event.target.name === "agreement") table.dataset.regimeFollows = "";
    for (const line of table.querySelectorAll("[data-lines-body] tr[data-line]")) {
      const typed = linesField(line, "price");
      const filled = typed && (!typed.value.trim() || typed.value === line.dataset.filledPrice);
      linesPrice(table, line, Boolean(filled));
    }
  } else {
    linesTotal(table);
  }
});

document.addEventListener("input", (event) => {
  const table = event.target.closest("table[data-lines]");
  if (table) linesTotal(table);
});

function linesStart() {
  for (const table of document.querySelectorAll("table[data-lines]")) {
    for (const row of table.querySelectorAll("[data-lines-body] tr[data-line]")) {
      linesPrice(table, row, false);
    }
    linesTotal(table);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", linesStart);
} else {
  linesStart();
}
