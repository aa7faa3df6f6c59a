// Clicking or focusing a highlight shows the notes of every annotation that covers it.
// The notes are the sidebar's own entries (rendered by our templates), cloned into a popover.

import { placeNextTo } from "./popover.js";

const popover = document.querySelector(".js-highlight-popover");

function entriesFor(mark) {
  return mark.dataset.annotations.split(" ")
    .map((id) => document.getElementById(`annotation-${id}`))
    .filter(Boolean);
}

function show(mark) {
  popover.replaceChildren(...entriesFor(mark).map((entry) => {
    const copy = entry.cloneNode(true);
    copy.removeAttribute("id");
    return copy;
  }));
  popover.hidden = false;
  placeNextTo(popover, mark.getBoundingClientRect());
  document.querySelectorAll(".hl.is-active").forEach((other) => other.classList.remove("is-active"));
  for (const id of mark.dataset.annotations.split(" ")) {
    document.querySelectorAll(`.js-highlight[data-annotations~="${id}"]`).forEach((part) => part.classList.add("is-active"));
  }
}

function hide() {
  popover.hidden = true;
  document.querySelectorAll(".hl.is-active").forEach((mark) => mark.classList.remove("is-active"));
}

document.addEventListener("click", (event) => {
  const mark = event.target.closest(".js-highlight");
  if (mark && getSelection().isCollapsed) show(mark);
  else if (!popover.contains(event.target)) hide();
});
document.addEventListener("focusin", (event) => {
  const mark = event.target.closest?.(".js-highlight");
  if (mark) show(mark);
  else if (!popover.contains(event.target)) hide();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !popover.hidden) hide();
});
