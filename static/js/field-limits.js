// Show a field's limit, with a live count as the text nears it. The server refuses text over the
// limit (it never cuts it) and the form keeps it, so this only warns in time. Limits come from
// data-max-chars (a note) and data-max-tags with data-max-tag-chars (a comma-separated tag list).
// Lengths are code points, as the server counts; line breaks count once, as the server stores them.

import { codePointLength } from "./offsets.js";

const WARN_FROM = 0.8; // of the limit: where the count starts to show
const number = new Intl.NumberFormat("en");

function noteLimit(field) {
  const max = Number(field.dataset.maxChars);
  const used = codePointLength(field.value);
  if (used > max) return [`${number.format(used)} of ${number.format(max)} characters: ${number.format(used - max)} too many`, true];
  if (used >= WARN_FROM * max) return [`${number.format(used)} of ${number.format(max)} characters`, false];
  return [`Up to ${number.format(max)} characters`, false];
}

function tagsLimit(field) {
  const maxTags = Number(field.dataset.maxTags);
  const maxChars = Number(field.dataset.maxTagChars);
  const tags = field.value.split(",").map((tag) => tag.trim()).filter(Boolean);
  const long = tags.find((tag) => codePointLength(tag) > maxChars);
  if (long) return [`“${[...long].slice(0, 20).join("")}…” has ${codePointLength(long)} characters: at most ${maxChars}`, true];
  if (tags.length > maxTags) return [`${tags.length} tags: at most ${maxTags}`, true];
  if (tags.length >= WARN_FROM * maxTags) return [`${tags.length} of ${maxTags} tags`, false];
  return ["", false];
}

function update(field) {
  const [text, over] = field.dataset.maxChars ? noteLimit(field) : tagsLimit(field);
  const status = document.getElementById(field.dataset.limitStatus);
  status.textContent = text;
  status.classList.toggle("is-over", over);
  if (over) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

for (const [index, field] of document.querySelectorAll("[data-max-chars], [data-max-tags]").entries()) {
  const status = document.createElement("span");
  status.className = "field-limit";
  status.id = `field-limit-${index}`;
  status.setAttribute("aria-live", "polite");
  field.after(status);
  field.dataset.limitStatus = status.id;
  field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), status.id].filter(Boolean).join(" "));
  field.addEventListener("input", () => update(field));
  field.form?.addEventListener("reset", () => setTimeout(() => update(field)));
  update(field);
}
