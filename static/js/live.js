// While the page is open, what others write appears: every few seconds each article's fragments are
// asked for again with a conditional request, which the server answers 304 while nothing this
// reader may see has changed. Short requests, so sync workers are never held open; nothing is asked
// while the tab is hidden, and nothing is replaced under the reader's hands.
import { refreshArticle, slotsOf } from "./fragments.js";

const EVERY_MS = 3000; // others' notes show within 5 s, counting the request itself

// The note form open, a passage being selected, or the focus on something inside the fragments.
function busy(articleId) {
  const form = document.querySelector(".js-annotation-form");
  if (form && !form.hidden) return true;
  const { text, annotations } = slotsOf(articleId);
  const selection = getSelection();
  if (!selection.isCollapsed && text.contains(selection.anchorNode)) return true;
  const focused = document.activeElement;
  return [text, annotations].some((slot) => slot && slot !== focused && slot.contains(focused));
}

let timer;
async function poll() {
  clearTimeout(timer);
  if (!document.hidden) {
    for (const slot of document.querySelectorAll(".js-article-body-slot[data-fragments-url]")) {
      if (!busy(slot.dataset.article)) await refreshArticle(slot.dataset.article, { onlyIfChanged: true });
    }
  }
  timer = setTimeout(poll, EVERY_MS);
}

document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
timer = setTimeout(poll, EVERY_MS);
