// The "Also in: …" tooltip of shared-passage markers: one fixed element on top of everything,
// placed beside the marker and kept inside the window, where a column's edge cannot clip it.
// It stays while the pointer moves onto it and goes with Escape.

import { placeNextTo } from "./popover.js";

const tooltip = document.createElement("div");
tooltip.className = "tooltip";
tooltip.id = "shared-passage-tooltip";
tooltip.setAttribute("role", "tooltip");
tooltip.hidden = true;
document.body.append(tooltip);
let owner = null;

function show(marker) {
  if (marker === owner) return;
  hide();
  owner = marker;
  tooltip.textContent = `Also in: ${marker.dataset.also}`;
  tooltip.hidden = false;
  marker.setAttribute("aria-describedby", tooltip.id);
  // Touching the marker, so that the pointer can cross over to it.
  placeNextTo(tooltip, marker.getBoundingClientRect(), { gap: 0 });
}

function hide() {
  owner?.removeAttribute("aria-describedby");
  owner = null;
  tooltip.hidden = true;
}

document.addEventListener("mouseover", (event) => {
  const marker = event.target.closest(".js-shared-marker");
  if (marker) show(marker);
  else if (owner && owner !== document.activeElement && !tooltip.contains(event.target)) hide();
});
document.addEventListener("focusin", (event) => {
  const marker = event.target.closest(".js-shared-marker");
  if (marker) show(marker);
});
document.addEventListener("focusout", (event) => {
  if (event.target === owner && !owner.matches(":hover")) hide();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") hide();
});
// Its own column scrolling would leave it behind: hide it (other columns lining up are fine).
document.addEventListener("scroll", (event) => {
  if (owner && event.target.contains?.(owner)) hide();
}, { capture: true, passive: true });
