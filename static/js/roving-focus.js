// Highlights and shared-passage markers are one tab stop per article text (a roving tabindex):
// Tab reaches the current one, arrow keys move between them, Home and End go to the ends.
// The server renders them all with tabindex="-1"; this module hands out the single "0".

const ITEMS = ".js-highlight, .js-shared-marker";
const KEYS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

function itemsOf(body) {
  return [...body.querySelectorAll(ITEMS)];
}

function makeCurrent(body, item) {
  for (const other of itemsOf(body)) other.tabIndex = other === item ? 0 : -1;
}

// Each text's first item becomes its tab stop, unless one already is (re-rendered texts start over).
function giveTabStops() {
  for (const body of document.querySelectorAll(".js-annotatable")) {
    const items = itemsOf(body);
    if (items.length && !items.some((item) => item.tabIndex === 0)) items[0].tabIndex = 0;
  }
}

document.addEventListener("keydown", (event) => {
  const item = event.target.closest?.(ITEMS);
  const body = item?.closest(".js-annotatable");
  if (!body || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
  const items = itemsOf(body);
  const here = items.indexOf(item);
  let next;
  if (event.key in KEYS) next = items[Math.min(Math.max(here + KEYS[event.key], 0), items.length - 1)];
  else if (event.key === "Home") next = items[0];
  else if (event.key === "End") next = items[items.length - 1];
  else return;
  event.preventDefault();
  makeCurrent(body, next);
  next.focus();
});

document.addEventListener("focusin", (event) => {
  const item = event.target.closest?.(ITEMS);
  const body = item?.closest(".js-annotatable");
  if (body) makeCurrent(body, item);
});

giveTabStops();
// Texts are re-rendered after each save: their new highlights need a tab stop again.
new MutationObserver(giveTabStops).observe(document.querySelector("main") ?? document.body, {
  childList: true,
  subtree: true,
});
