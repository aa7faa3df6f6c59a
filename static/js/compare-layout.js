// Side by side: the column switcher marks the columns in view (as the reader swipes, scrolls
// sideways or follows its links) and appears whenever some column is out of view. On small
// screens the header folds away while a column is read downwards and returns on scrolling up.

const columnsBox = document.querySelector(".js-compare-columns");
const switcher = document.querySelector(".js-column-switcher");
const columns = [...document.querySelectorAll(".js-compare-column")];
const pillOf = new Map(columns.map((column) => [column, switcher.querySelector(`a[href="#${column.id}"]`)]));
const shownShare = new Map(); // how much of each column's width is in view, 0 to 1

let currentColumn = null;

function markColumnsInView() {
  const inView = columns.filter((column) => shownShare.get(column) >= 0.5);
  for (const [column, pill] of pillOf) {
    pill.classList.toggle("is-in-view", inView.includes(column));
    // One current column: the only one on a phone, the leftmost of those in view on wider screens.
    if (column === inView[0]) pill.setAttribute("aria-current", "true");
    else pill.removeAttribute("aria-current");
  }
  switcher.classList.toggle("is-needed", columns.some((column) => shownShare.get(column) < 0.99));
  if (inView[0] !== currentColumn) {
    currentColumn = inView[0];
    pillOf.get(currentColumn)?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}

const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) shownShare.set(entry.target, entry.intersectionRatio);
  markColumnsInView();
}, { root: columnsBox, threshold: [0, 0.5, 0.99] });
columns.forEach((column) => observer.observe(column));

// Folding the header. Only the stylesheet's small-screen rules act on the class.
const lastScrollTop = new Map();

function rememberScrollTops() {
  for (const column of columns) lastScrollTop.set(column, column.scrollTop);
}

function foldHeader(folded) {
  if (document.body.classList.contains("is-header-folded") === folded) return;
  document.body.classList.toggle("is-header-folded", folded);
  // The columns changed height, which can move a column scrolled to its end: not the reader's doing.
  rememberScrollTops();
  // And moved the passages: a floating box next to one is placed again (annotate.js).
  document.dispatchEvent(new Event("newsroom:layout-changed"));
}

document.addEventListener("scroll", (event) => {
  const column = event.target;
  if (!lastScrollTop.has(column)) return; // the page or the row of columns, not a column
  const moved = column.scrollTop - lastScrollTop.get(column);
  if (Math.abs(moved) < 16) return; // small moves add up until they show a direction
  lastScrollTop.set(column, column.scrollTop);
  foldHeader(moved > 0 && column.scrollTop > 64);
}, { capture: true, passive: true });

// Keyboard users leaving the columns (Shift+Tab) find the header back. Not on a tap: the
// header would push the switcher down between the press and the click. Nor on opening the
// annotation form, which floats next to its passage.
document.addEventListener("focusin", (event) => {
  const target = event.target;
  if (target.matches(":focus-visible") && !target.closest(".js-compare-column, .js-annotation-form")) {
    foldHeader(false);
  }
});

rememberScrollTops();
