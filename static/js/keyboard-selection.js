// Select text with the keyboard in an article's text: once it has focus, arrows move a caret,
// Shift+arrows extend the selection (Ctrl or Alt: by word) and Enter asks annotate.js to open
// the popover. Browsers offer this only with caret browsing switched on, and draw no caret in
// text that is not editable, so this module draws its own and shows the keys while it is used.

import { bodyOf, paragraphsOf } from "./offsets.js";

const KEYS = {
  ArrowLeft: ["backward", "character"], ArrowRight: ["forward", "character"],
  ArrowUp: ["backward", "line"], ArrowDown: ["forward", "line"],
};
const HINT = "Arrow keys move the caret, Shift+arrows select, Enter annotates the selection.";
const status = document.querySelector(".js-selection-status");
const caret = document.createElement("span");
caret.className = "text-caret";
caret.setAttribute("aria-hidden", "true");
caret.hidden = true;
document.body.append(caret);

// The article text that has the focus (itself, its column, or a highlight in it), if any.
function focusedText() {
  const focused = document.activeElement;
  if (!focused?.matches("[tabindex]")) return null;
  return bodyOf(focused) ?? focused.querySelector(".js-annotatable");
}

// Plain arrows on a highlight or marker move between them (roving-focus.js), not the caret.
function onHighlight() {
  return document.activeElement.matches(".js-highlight, .js-shared-marker");
}

function placeCaret(selection, body) {
  const paragraphs = paragraphsOf(body);
  const visible = paragraphs.find((p) => p.getBoundingClientRect().bottom > 0) ?? paragraphs[0];
  selection.collapse(document.createTreeWalker(visible, NodeFilter.SHOW_TEXT).nextNode(), 0);
}

function drawCaret() {
  const selection = getSelection();
  const body = focusedText();
  caret.hidden = true;
  if (!body || onHighlight() || !selection.focusNode || bodyOf(selection.focusNode) !== body) return;
  const point = document.createRange();
  point.setStart(selection.focusNode, selection.focusOffset);
  const box = point.getClientRects()[0] ?? point.getBoundingClientRect();
  if (!box.height) return;
  Object.assign(caret.style, { left: `${box.left}px`, top: `${box.top}px`, height: `${box.height}px` });
  caret.hidden = false;
}

document.addEventListener("keydown", (event) => {
  const body = focusedText();
  if (!body) return;
  const selection = getSelection();
  if (event.key === "Enter" && !selection.isCollapsed && bodyOf(selection.anchorNode) === body) {
    event.preventDefault();
    document.dispatchEvent(new CustomEvent("passage-selected"));
    return;
  }
  const move = KEYS[event.key];
  const vertical = event.key === "ArrowUp" || event.key === "ArrowDown";
  if (!move || (vertical && !event.shiftKey) || (onHighlight() && !event.shiftKey)) return;
  event.preventDefault();
  if (bodyOf(selection.anchorNode) !== body) placeCaret(selection, body);
  selection.modify(event.shiftKey ? "extend" : "move", move[0], event.ctrlKey || event.altKey ? "word" : move[1]);
  if (!selection.isCollapsed) status.textContent = "Press Enter to tag the selected passage.";
});

// Reached with the keyboard: the caret starts in the first visible line, and the keys are shown.
document.addEventListener("focusin", (event) => {
  const body = focusedText();
  if (!body || onHighlight() || !event.target.matches(":focus-visible")) return;
  if (bodyOf(getSelection().focusNode) !== body) placeCaret(getSelection(), body);
  status.textContent = HINT;
  drawCaret();
});
document.addEventListener("focusout", () => {
  caret.hidden = true;
  if (status.textContent === HINT) status.textContent = "";
});
document.addEventListener("selectionchange", drawCaret);
document.addEventListener("scroll", drawCaret, { capture: true, passive: true });
addEventListener("resize", drawCaret);
