// Side by side: activating the marker of a shared passage scrolls every other column to its
// occurrence of the passage, so that they line up with the one activated.

function lineUp(marker) {
  const column = marker.closest(".js-compare-column");
  const offset = marker.getBoundingClientRect().top - column.getBoundingClientRect().top;
  for (const other of document.querySelectorAll(".js-compare-column")) {
    if (other === column) continue;
    const twin = other.querySelector(`.js-shared-marker[data-cluster="${marker.dataset.cluster}"]`);
    if (!twin) continue;
    const twinOffset = twin.getBoundingClientRect().top - other.getBoundingClientRect().top;
    other.scrollBy({ top: twinOffset - offset, behavior: "smooth" });
  }
  marker.closest(".compare-columns")?.querySelectorAll(".shared.is-lined-up").forEach((part) => part.classList.remove("is-lined-up"));
  for (const part of document.querySelectorAll(`.shared[data-clusters~="${marker.dataset.cluster}"]`)) {
    part.classList.add("is-lined-up");
  }
}

document.addEventListener("click", (event) => {
  const marker = event.target.closest(".js-shared-marker");
  if (marker) lineUp(marker);
});
document.addEventListener("keydown", (event) => {
  const marker = event.target.closest?.(".js-shared-marker");
  if (marker && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    lineUp(marker);
  }
});
