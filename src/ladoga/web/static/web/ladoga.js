// Behaviour that templates ask for with data- attributes; no inline scripts (CSP).
//   form[data-confirm="question"]        ask before sending the form
//   [data-nav-toggle]                    open or close the side menu on narrow screens
//   details[data-dismissable]            close when clicking elsewhere or pressing Escape
//   button[data-copy="#id"]              copy the element's text; data-copied-label says so
//   textarea[maxlength]                  a counter below it: "123 / 10 000" (docs/limits.md)
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

function navSet(open) {
  document.body.classList.toggle("nav-open", open);
  for (const button of document.querySelectorAll("button[data-nav-toggle]")) {
    button.setAttribute("aria-expanded", String(open));
  }
}

document.addEventListener("click", (event) => {
  for (const details of document.querySelectorAll("details[data-dismissable][open]")) {
    if (!details.contains(event.target)) details.open = false;
  }

  const toggle = event.target.closest("[data-nav-toggle]");
  if (toggle) {
    navSet(!document.body.classList.contains("nav-open"));
    return;
  }
  // Following a menu link on a narrow screen closes the menu.
  if (event.target.closest(".sidebar a")) navSet(false);

  const copy = event.target.closest("button[data-copy]");
  if (copy) {
    const source = document.querySelector(copy.dataset.copy);
    if (source) copyText(copy, source);
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  if (document.body.classList.contains("nav-open")) navSet(false);
  for (const details of document.querySelectorAll("details[data-dismissable][open]")) {
    details.open = false;
    details.querySelector("summary")?.focus();
  }
});

// The menu is a drawer only on narrow screens; widening the window closes the drawer.
const wide = window.matchMedia("(min-width: 901px)");
wide.addEventListener("change", (event) => {
  if (event.matches) navSet(false);
});

function copyText(button, source) {
  const text = source.textContent.trim();
  const done = () => {
    const label = button.querySelector("span") || button;
    const original = label.textContent;
    if (button.dataset.copiedLabel) label.textContent = button.dataset.copiedLabel;
    button.classList.add("copied");
    window.setTimeout(() => {
      label.textContent = original;
      button.classList.remove("copied");
    }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => selectText(source));
  } else {
    // Plain HTTP on a private address has no clipboard API: select the text for Ctrl+C.
    selectText(source);
  }
}

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

// The characters typed in a limited text, and the limit, in the page's language.
function textCounters(root) {
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  for (const area of root.querySelectorAll("textarea[maxlength]")) {
    if (area.dataset.counted) continue;
    area.dataset.counted = "1";
    const counter = document.createElement("small");
    counter.className = "help text-counter";
    counter.setAttribute("aria-live", "polite");
    counter.dataset.testid = "text-counter";
    const limit = Number(area.getAttribute("maxlength"));
    const show = () => {
      counter.textContent = `${numbers.format(area.value.length)} / ${numbers.format(limit)}`;
      counter.classList.toggle("text-counter-full", area.value.length >= limit);
    };
    area.insertAdjacentElement("afterend", counter);
    area.addEventListener("input", show);
    show();
  }
}

document.addEventListener("DOMContentLoaded", () => textCounters(document));
document.addEventListener("htmx:load", (event) => textCounters(event.target));
