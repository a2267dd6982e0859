// The pipeline board (deals/board.html): drag a card to another column to move the deal.
// No inline script (CSP); the page says what to do with data- attributes:
//   [data-board]                 the board; data-csrf-from: where the CSRF token is
//   [data-stage-column]          a column; data-stage-id: the stage to move to;
//                                data-action: "move" (default), "win" or "lose"
//   [data-deal-card]             a card; data-move-url, data-win-url, data-lose-url, data-version
//   [data-board-messages]        where a refused move's unmet guards are shown
//   form[data-lose-dialog]       the reason form shown when a card is dropped on "Lost"
// The move is posted with htmx.ajax; the answer replaces the card, or — for a refused
// move — goes to [data-board-messages] (the server retargets it) with the list of unmet
// guards, and the card goes back where it was. Without JavaScript (or from the
// keyboard) the deal's own page moves, wins and loses it.
"use strict";

(function () {
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const messages = document.querySelector("[data-board-messages]");
  let dragged = null;
  let origin = null;
  let pending = null;

  function cardOf(target) {
    return target.closest("[data-deal-card]");
  }

  function restore(card) {
    if (!origin) return;
    const { list, next } = origin;
    if (next && next.parentNode === list) list.insertBefore(card, next);
    else list.appendChild(card);
  }

  function showMessage(html) {
    if (!messages) return;
    messages.innerHTML = html;
    messages.scrollIntoView({ block: "nearest" });
  }

  board.addEventListener("dragstart", (event) => {
    const card = cardOf(event.target);
    if (!card) return;
    dragged = card;
    origin = { list: card.parentNode, next: card.nextElementSibling };
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.dealId);
  });

  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    for (const column of board.querySelectorAll(".drop-target")) {
      column.classList.remove("drop-target");
    }
  });

  board.addEventListener("dragover", (event) => {
    const column = event.target.closest("[data-stage-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });

  board.addEventListener("dragleave", (event) => {
    const column = event.target.closest("[data-stage-column]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  board.addEventListener("drop", (event) => {
    const column = event.target.closest("[data-stage-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    const card = dragged;
    dragged = null;
    const list = column.querySelector("[data-cards]");
    if (list === origin.list) return;
    const action = column.dataset.action || "move";
    if (action === "lose") {
      // A lost deal needs a reason: ask for it, then post the form (the page reloads).
      const form = document.querySelector("[data-lose-dialog]");
      if (!form) return;
      form.action = card.dataset.loseUrl;
      form.elements.version.value = card.dataset.version;
      form.querySelector("[data-lose-name]").textContent =
        card.querySelector(".title")?.textContent || "";
      form.hidden = false;
      form.querySelector("select")?.focus();
      return;
    }
    if (list) list.prepend(card);
    const url = action === "win" ? card.dataset.winUrl : card.dataset.moveUrl;
    const values = { version: card.dataset.version };
    if (action === "move") values.stage = column.dataset.stageId;
    showMessage("");
    pending = card;
    htmx.ajax("POST", url, { source: card, target: card, swap: "outerHTML", values: values });
  });

  // A refused move: the server sent the reasons to the message area; the card goes back.
  document.body.addEventListener("deal-move-refused", () => {
    if (!pending) return;
    restore(pending);
    pending.classList.add("refused");
    pending = null;
  });

  // A failure that is not a refusal (the network, a stale page): the card goes back too.
  document.body.addEventListener("htmx:responseError", (event) => {
    const card = cardOf(event.detail.elt);
    if (!card) return;
    restore(card);
    card.classList.add("refused");
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest("[data-lose-cancel]")) return;
    const form = event.target.closest("[data-lose-dialog]");
    if (form) form.hidden = true;
  });

  document.body.addEventListener("htmx:afterSwap", () => {
    origin = null;
  });
})();
