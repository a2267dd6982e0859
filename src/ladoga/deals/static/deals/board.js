// The pipeline board (deals/board.html): drag a card to another column to move the deal.
// No inline script (CSP); the page says what to do with data- attributes:
//   [data-board]                 the board; data-csrf-from: where the CSRF token is
//   [data-stage-column]          a column; data-stage-id: the stage to move to;
//                                data-action: "move" (default), "win" or "lose";
//                                data-blocked-from: {stage id: reason} the cards of which
//                                may not come here (a strict kind's order), as JSON;
//                                data-next-from: the stage whose next stage this is
//   [data-deal-card]             a card; data-stage-id, data-move-url, data-win-url,
//                                data-lose-url, data-version
//   [data-move-next]             a card's button: move it to its next stage (the column
//                                whose data-next-from is the card's stage)
//   [data-board-messages]        where a refused move's unmet guards are shown
//   form[data-lose-dialog]       the reason form shown when a card is dropped on "Lost"
// The move is posted with htmx.ajax; the answer replaces the card, or — for a refused
// move — goes to [data-board-messages] (the server retargets it) with the list of unmet
// guards, and the card goes back where it was. Without JavaScript (or from the
// keyboard) the deal's own page moves, wins and loses it. While a card is dragged, the
// column of its next stage is marked as the move and the columns it may not go to are
// disabled with the reason on hover; dropping there shows the reason and moves nothing.
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

  function blockedReason(column, card) {
    if (!column.dataset.blockedFrom) return "";
    try {
      return JSON.parse(column.dataset.blockedFrom)[card.dataset.stageId] || "";
    } catch (error) {
      return "";
    }
  }

  function showRefusal(reason) {
    if (!messages) return;
    const alert = document.createElement("div");
    alert.className = "alert alert-error";
    alert.setAttribute("role", "alert");
    alert.dataset.testid = "move-refused";
    alert.textContent = reason;
    messages.replaceChildren(alert);
    messages.scrollIntoView({ block: "nearest" });
  }

  function markColumns(card) {
    for (const column of board.querySelectorAll("[data-stage-column]")) {
      const reason = blockedReason(column, card);
      if (reason) {
        column.setAttribute("aria-disabled", "true");
        column.title = reason;
      }
      if (column.dataset.nextFrom && column.dataset.nextFrom === card.dataset.stageId) {
        column.classList.add("drop-next");
      }
    }
  }

  function unmarkColumns() {
    for (const column of board.querySelectorAll("[data-stage-column]")) {
      column.removeAttribute("aria-disabled");
      column.removeAttribute("title");
      column.classList.remove("drop-next", "drop-target");
    }
  }

  board.addEventListener("dragstart", (event) => {
    const card = cardOf(event.target);
    if (!card) return;
    dragged = card;
    origin = { list: card.parentNode, next: card.nextElementSibling };
    card.classList.add("dragging");
    markColumns(card);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.dealId);
  });

  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    unmarkColumns();
  });

  board.addEventListener("dragover", (event) => {
    const column = event.target.closest("[data-stage-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    if (column.getAttribute("aria-disabled") !== "true") column.classList.add("drop-target");
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
    moveTo(card, column);
  });

  // The card's own button moves it to its next stage, as a drop on that column would.
  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move-next]");
    if (!button) return;
    const card = cardOf(button);
    const column = card && nextColumn(card);
    if (!column) return;
    origin = { list: card.parentNode, next: card.nextElementSibling };
    moveTo(card, column);
  });

  function nextColumn(card) {
    for (const column of board.querySelectorAll("[data-stage-column]")) {
      if (column.dataset.nextFrom && column.dataset.nextFrom === card.dataset.stageId) {
        return column;
      }
    }
    return null;
  }

  function moveTo(card, column) {
    const list = column.querySelector("[data-cards]");
    if (list === origin.list) return;
    const reason = blockedReason(column, card);
    if (reason) {
      // Nothing moves: the card stays in its column and the reason is said.
      card.classList.remove("dragging");
      unmarkColumns();
      showRefusal(reason);
      return;
    }
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
  }

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
