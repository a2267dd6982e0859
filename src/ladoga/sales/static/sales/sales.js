// Behaviour of the sales pages, asked for with data- attributes (no inline scripts: CSP).
//   [data-pick]                    a partner picker (sales/widgets/partner_pick.html):
//     input[data-pick-search]      htmx fetches the matching partners into [data-pick-results]
//     button[data-pick-option]     a result: puts its id into input[data-pick-id] and its
//                                  name (data-pick-label) into [data-pick-shown], then
//                                  fires "change" on input[data-pick-id] (the order and
//                                  proposal forms' partner-dependent selects follow it
//                                  with htmx: sales/_partner_options.html)
//   Enter in the search box picks the first result instead of sending the form;
//   Escape closes the results.
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
  }
});
