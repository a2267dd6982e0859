// Behaviour of the partners pages, asked for with data- attributes (no inline scripts: CSP).
//   button[data-pick-value][data-pick-label][data-pick-target="#hidden"]
//        choose a search result: put its id into the hidden input, show its name in
//        the element named by data-pick-show, and clear the results list.
"use strict";

document.addEventListener("click", (event) => {
  const choice = event.target.closest("button[data-pick-value]");
  if (!choice) return;
  event.preventDefault();
  const input = document.querySelector(choice.dataset.pickTarget);
  if (input) input.value = choice.dataset.pickValue;
  const shown = document.querySelector(choice.dataset.pickShow || "");
  if (shown) shown.textContent = choice.dataset.pickLabel;
  const list = choice.closest(".pt-pick-results");
  if (list) list.replaceChildren();
});
