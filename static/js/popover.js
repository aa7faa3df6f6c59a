// Place a floating box (position: fixed) next to a rectangle on the screen, inside the window:
// below it where it fits, else above it. Fixed, so that no scrolling column can clip it.

const MARGIN = 8; // kept between the box and the window's edges, and by default from the rectangle

// With a scroller (whatever scrolls the rectangle: a column or the window), a box that fits
// neither below nor above docks at the bottom of the window (its .is-docked styles) instead of
// covering the rectangle, and the scroller moves the rectangle into the room left above it.
export function placeNextTo(box, rect, { gap = MARGIN, scroller = null } = {}) {
  box.classList.remove("is-docked"); // measured as it floats: docked, it is shorter
  const height = box.offsetHeight;
  const below = rect.bottom + gap;
  const above = rect.top - gap - height;
  // Below only if it then shows: a selection scrolled out of view above has its "below" there too.
  const fitsBelow = below >= MARGIN && below + height <= innerHeight - MARGIN;
  const docked = scroller !== null && !fitsBelow && above < MARGIN;
  box.classList.toggle("is-docked", docked);
  if (docked) {
    box.style.top = box.style.left = "";
    scrollAboveDock(rect, box.offsetHeight, scroller);
    return;
  }
  const top = fitsBelow ? below : Math.max(MARGIN, above);
  box.style.top = `${Math.max(MARGIN, Math.min(top, innerHeight - height - MARGIN))}px`;
  box.style.left = `${Math.max(MARGIN, Math.min(rect.left, innerWidth - box.offsetWidth - MARGIN))}px`;
}

// Scroll just enough for the rectangle's bottom to clear the docked box, never past its top; a
// rectangle above the window is scrolled down into view.
function scrollAboveDock(rect, dockHeight, scroller) {
  const room = innerHeight - dockHeight - MARGIN;
  const overlap = rect.bottom - room;
  if (rect.top < MARGIN || overlap > 0) scroller.scrollBy(0, Math.min(overlap, rect.top - MARGIN));
}
