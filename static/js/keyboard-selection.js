// Select text with the keyboard in an article's text: once it has focus, arrows move a caret,
// Shift+arrows extend the selection (Ctrl or Alt: by word) and Enter asks annotate.js to open
// the popover. Browsers offer this only with caret browsing switched on.

const KEYS = {
  ArrowLeft: ["backward", "character"], ArrowRight: ["forward", "character"],
  ArrowUp: ["backward", "line"], ArrowDown: ["forward", "line"],
};

function bodyOf(node) {
  const element = node?.nodeType === Node.ELEMENT_NODE ? node : node?.parentElement;
  return element?.closest(".js-annotatable") ?? null;
}

function placeCaret(selection, body) {
  const paragraphs = [...body.querySelectorAll("p[data-start]")];
  const visible = paragraphs.find((p) => p.getBoundingClientRect().bottom > 0) ?? paragraphs[0];
  selection.collapse(document.createTreeWalker(visible, NodeFilter.SHOW_TEXT).nextNode(), 0);
}

document.addEventListener("keydown", (event) => {
  const focused = document.activeElement;
  const body = bodyOf(focused) ?? focused.querySelector?.(".js-annotatable");
  if (!body || focused.closest("form")) return;
  const selection = getSelection();
  if (event.key === "Enter" && !selection.isCollapsed && bodyOf(selection.anchorNode) === body) {
    event.preventDefault();
    document.dispatchEvent(new CustomEvent("passage-selected"));
    return;
  }
  const move = KEYS[event.key];
  const vertical = event.key === "ArrowUp" || event.key === "ArrowDown";
  if (!move || (vertical && !event.shiftKey)) return;
  event.preventDefault();
  if (bodyOf(selection.anchorNode) !== body) placeCaret(selection, body);
  selection.modify(event.shiftKey ? "extend" : "move", move[0], event.ctrlKey || event.altKey ? "word" : move[1]);
  const status = document.querySelector(".js-selection-status");
  if (status && !selection.isCollapsed) status.textContent = "Press Enter to tag the selected passage.";
});
