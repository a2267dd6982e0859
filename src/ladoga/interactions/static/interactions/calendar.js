// The calendar's hour grid (interactions/calendar.html): drag a meeting, a planned
// interaction or a call to another half-hour to move it. No inline script (CSP); the page
// says what to do with data- attributes:
//   [data-calendar]          the grid (day or week)
//   [data-slot]              a half-hour cell; data-slot: its start "YYYY-MM-DDTHH:MM"
//                            in the user's time zone
//   [data-event]             an event; data-reschedule-url, data-version
//   [data-event-time]        inside an event: its "HH:MM–HH:MM" label
//   [data-calendar-messages] where a refused move's reason is shown
//   [data-calendar-scroll]   the scrolling frame, opened at 08:00
// The move is a POST (CSRF token from the body's hx-headers) through the interactions
// services; a refusal shows the rule's message and the event goes back where it was.
"use strict";

(function () {
  const grid = document.querySelector("[data-calendar]");
  if (!grid) return;
  const messages = document.querySelector("[data-calendar-messages]");
  const frame = document.querySelector("[data-calendar-scroll]");
  let dragged = null;

  const morning = grid.querySelector('[data-slot$="T08:00"]');
  if (frame && morning) frame.scrollTop = morning.offsetTop - 40;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function classWith(element, prefix) {
    return Array.from(element.classList).find((name) => name.startsWith(prefix)) || "";
  }

  function place(element, slot) {
    for (const prefix of ["cal-col-", "cal-from-"]) {
      const old = classWith(element, prefix);
      if (old) element.classList.remove(old);
      element.classList.add(classWith(slot, prefix));
    }
  }

  function showRefusal(text) {
    if (!messages) return;
    messages.textContent = text;
    messages.hidden = false;
    messages.scrollIntoView({ block: "nearest" });
  }

  function clearTargets() {
    for (const cell of grid.querySelectorAll(".drop-target")) cell.classList.remove("drop-target");
  }

  grid.addEventListener("dragstart", (event) => {
    const card = event.target.closest("[data-event]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.rescheduleUrl);
  });

  grid.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    clearTargets();
  });

  grid.addEventListener("dragover", (event) => {
    const slot = event.target.closest("[data-slot]");
    if (!slot || !dragged) return;
    event.preventDefault();
    clearTargets();
    slot.classList.add("drop-target");
  });

  grid.addEventListener("drop", async (event) => {
    const slot = event.target.closest("[data-slot]");
    if (!slot || !dragged) return;
    event.preventDefault();
    clearTargets();
    const card = dragged;
    dragged = null;
    card.classList.remove("dragging");
    const before = { col: classWith(card, "cal-col-"), from: classWith(card, "cal-from-") };
    place(card, slot);
    card.classList.add("saving");
    if (messages) messages.hidden = true;
    const body = new URLSearchParams({ start: slot.dataset.slot, version: card.dataset.version });
    let answer = null;
    let failed = "";
    try {
      const response = await fetch(card.dataset.rescheduleUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
        body,
        credentials: "same-origin",
      });
      answer = await response.json().catch(() => ({}));
      if (!response.ok) failed = answer.error || response.statusText;
    } catch (error) {
      failed = String(error);
    }
    card.classList.remove("saving");
    if (failed) {
      card.classList.remove(classWith(card, "cal-col-"), classWith(card, "cal-from-"));
      card.classList.add(before.col, before.from);
      showRefusal(failed);
      return;
    }
    card.dataset.version = answer.version;
    const label = card.querySelector("[data-event-time]");
    if (label) label.textContent = answer.time;
  });
})();
