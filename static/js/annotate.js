// Select a passage of an article (mouse, touch or Shift+arrows), then tag it and write a note.
// The server is the authority: it checks the offsets and sends back the re-rendered highlights.

import { bodyOf, charactersOf, offsetOfPoint } from "./offsets.js";
import { refreshArticle } from "./fragments.js";
import { placeNextTo } from "./popover.js";

const form = document.querySelector(".js-annotation-form");
const statusLine = document.querySelector(".js-selection-status");
let lastFocus = null;
let openPassage = null; // the passage the open form annotates
let lastPointer = "mouse"; // touch, pen or mouse: how the reader selects

let quietTimer;
function say(message) {
  statusLine.textContent = message;
  clearTimeout(quietTimer);
  quietTimer = setTimeout(() => { statusLine.textContent = ""; }, 4000);
}

function currentPassage() {
  const selection = getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const body = bodyOf(range.startContainer);
  const endBody = bodyOf(range.endContainer);
  if (!body && !endBody) return null; // a selection elsewhere on the page is not ours
  if (body !== endBody) return { error: "A passage must lie within one article's text." };
  const characters = charactersOf(body);
  let start = offsetOfPoint(body, range.startContainer, range.startOffset, "start");
  let end = offsetOfPoint(body, range.endContainer, range.endOffset, "end");
  while (start < end && /\s/.test(characters[start])) start += 1;
  while (end > start && /\s/.test(characters[end - 1])) end -= 1;
  if (start >= end) return null;
  const exact = characters.slice(start, end).join("");
  return { body, start, end, exact, range: range.cloneRange() };
}

function openForm(passage) {
  if (!form) return say("Sign in to tag passages and write notes.");
  form.elements.article.value = passage.body.dataset.article;
  form.elements.start.value = passage.start;
  form.elements.end.value = passage.end;
  form.elements.exact.value = passage.exact;
  form.querySelector(".js-popover-quote").textContent = passage.exact.length > 160
    ? `${passage.exact.slice(0, 160)}…` : passage.exact;
  form.querySelector(".js-form-error").textContent = "";
  rememberedAudience();
  form.hidden = false;
  openPassage = passage;
  placeForm();
  lastFocus = passage.body.closest("[tabindex]") ?? passage.body;
  // On a touch screen the keyboard would cover the passage: the reader taps a field when ready.
  if (lastPointer === "touch") form.focus();
  else form.elements.tags.focus();
  say("");
}

// Who the next annotation is for: the choice made last time (while it is still offered).
const AUDIENCE_KEY = "newsroom:audience";
function rememberedAudience() {
  const audience = form.elements.audience;
  const last = localStorage.getItem(AUDIENCE_KEY);
  if ([...audience.options].some((option) => option.value === last)) audience.value = last;
}

// Below the passage, else above it; where neither fits (a phone), docked to the bottom of the
// window with the passage scrolled into the space above it. The form never hides the passage.
function placeForm() {
  const scroller = openPassage.body.closest(".js-compare-column") ?? window;
  placeNextTo(form, openPassage.range.getBoundingClientRect(), { scroller });
}

function closeForm() {
  form.hidden = true;
  openPassage = null;
  form.reset();
  lastFocus?.focus({ preventScroll: true });
}

function offerSelection() {
  if (form && !form.hidden) return;
  const passage = currentPassage();
  if (passage?.error) say(passage.error);
  else if (passage) openForm(passage);
}

async function save(event) {
  event.preventDefault();
  const articleId = form.elements.article.value;
  const errorLine = form.querySelector(".js-form-error");
  let response;
  try {
    response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
  } catch {
    errorLine.textContent = "Could not reach the server. Try again.";
    return;
  }
  if (response.redirected) {
    window.location.href = response.url; // signed out meanwhile: the log-in page
    return;
  }
  const data = await response.json().catch(() => ({ error: "Something went wrong. Try again." }));
  if (!response.ok) {
    errorLine.textContent = data.error;
    return;
  }
  localStorage.setItem(AUDIENCE_KEY, form.elements.audience.value);
  getSelection().removeAllRanges();
  closeForm();
  const shown = await refreshArticle(articleId);
  say(shown === "failed" ? "Annotation saved. Reload the page to see it." : "Annotation saved.");
  document.getElementById(`hl-${data.id}`)?.nextElementSibling?.focus({ preventScroll: true });
}

document.addEventListener("pointerup", (event) => {
  if (!form?.contains(event.target)) setTimeout(offerSelection, 0);
});
// On touch screens the selection handles move without pointer events: wait until they rest.
let restTimer;
document.addEventListener("pointerdown", (event) => { lastPointer = event.pointerType; });
document.addEventListener("selectionchange", () => {
  clearTimeout(restTimer);
  if (lastPointer === "touch") restTimer = setTimeout(offerSelection, 700);
});
// keyboard-selection.js asks for the popover when Enter is pressed on a selection.
document.addEventListener("passage-selected", offerSelection);
form?.addEventListener("submit", save);
form?.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeForm();
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
});
form?.querySelector(".js-cancel").addEventListener("click", closeForm);
// A phone's on-screen keyboard resizes the window: keep the form clear of the passage.
addEventListener("resize", () => { if (openPassage) placeForm(); });
