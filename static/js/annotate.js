// Select a passage of an article (mouse, touch or Shift+arrows), then tag it and write a note,
// saved through the API as a W3C Web Annotation. The server is the authority: it places the
// passage by its selectors and sends back the re-rendered highlights.

import { apiUrl, idOf, postJson } from "./api.js";
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

// The form's passage, tags, note and audience as the API reads an annotation.
function annotationOf(passage) {
  const { tags, note, audience } = form.elements;
  const tagBodies = tags.value.split(",").map((tag) => tag.trim()).filter(Boolean)
    .map((value) => ({ type: "TextualBody", value, purpose: "tagging" }));
  const noteBodies = note.value.trim()
    ? [{ type: "TextualBody", value: note.value, purpose: "commenting", format: "text/markdown" }] : [];
  const group = audience.selectedOptions[0]?.dataset.group; // a group's option names its slug
  return {
    type: "Annotation",
    body: [...noteBodies, ...tagBodies],
    target: {
      selector: [
        { type: "TextPositionSelector", start: passage.start, end: passage.end },
        { type: "TextQuoteSelector", exact: passage.exact },
      ],
    },
    visibility: group ? "group" : audience.value,
    group,
  };
}

async function save(event) {
  event.preventDefault();
  const articleId = openPassage.body.dataset.article;
  const { data, error } = await postJson(apiUrl("annotationsUrl", articleId), annotationOf(openPassage));
  if (error) {
    form.querySelector(".js-form-error").textContent = error; // the form keeps what was typed
    return;
  }
  localStorage.setItem(AUDIENCE_KEY, form.elements.audience.value);
  getSelection().removeAllRanges();
  closeForm();
  const shown = await refreshArticle(articleId);
  say(shown === "failed" ? "Annotation saved. Reload the page to see it." : "Annotation saved.");
  document.getElementById(`hl-${idOf(data.id)}`)?.nextElementSibling?.focus({ preventScroll: true });
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
// A phone's on-screen keyboard resizes the window, and the side-by-side header folds and unfolds
// (compare-layout.js): keep the form clear of the passage.
addEventListener("resize", () => { if (openPassage) placeForm(); });
document.addEventListener("newsroom:layout-changed", () => { if (openPassage) placeForm(); });
