// The pages' own forms (edit, delete, undo, hide, unhide, flag) write through the JSON API when
// scripts run, so that the browser and every other client share one write path; without scripts
// they post to their HTML views as before. A form says what to send:
//
//   data-api-method, data-api-url   the request: DELETE /api/annotations/12
//   data-api-body                   what the form's fields become: "annotation", "reply", "flag"
//                                   (none: no body)
//   data-api-etag                   the version the page shows, sent as If-Match; on a 412 (changed
//                                   since) the form is posted to its view, which shows what to do
//   data-api-query, data-api-fragment  where to go next: the form's `next` with these query
//                                   parameters ("undo=12") and this fragment ("hl-12"), as the view
//                                   redirects
//   data-api-message                said on the next page, as the view's message is (api.js)

import { sayOnNextPage, sendJson } from "./api.js";

const sending = new WeakSet(); // forms whose write is on its way

// The form field that the API's error `field` names, by kind of body ("body" is an annotation's
// note or tags: the message says which, and the focus stays on the button).
const FIELDS = { annotation: { group: "audience" }, reply: { body: "note" }, flag: { reason: "reason" } };

function tagBodies(text) {
  return text.split(",").map((tag) => tag.trim()).filter(Boolean)
    .map((value) => ({ type: "TextualBody", value, purpose: "tagging" }));
}

const BODIES = {
  // The edit page's note, tags and audience as a W3C annotation (as annotate.js sends a new one).
  annotation({ note, tags, audience }) {
    const noteBodies = note.value.trim()
      ? [{ type: "TextualBody", value: note.value, purpose: "commenting", format: "text/markdown" }] : [];
    const group = audience.selectedOptions[0]?.dataset.group; // a group's option names its slug
    return {
      type: "Annotation",
      body: [...noteBodies, ...tagBodies(tags.value)],
      visibility: group ? "group" : audience.value,
      group,
    };
  },
  reply: ({ note }) => ({
    type: "Annotation",
    body: { type: "TextualBody", value: note.value, format: "text/markdown" },
  }),
  flag: ({ reason }) => ({ reason: reason.value }),
};

// Where the view would redirect: `next` (a page of ours, which the server gave) with the query
// parameters added after its own, and the fragment.
export function destination(form) {
  const url = new URL(form.elements.next?.value || location.href, location.href);
  for (const [name, value] of new URLSearchParams(form.dataset.apiQuery ?? "")) {
    if (value !== "") url.searchParams.append(name, value);
  }
  url.hash = form.dataset.apiFragment ?? "";
  return url.href;
}

function showError(form, message, field) {
  const kind = form.dataset.apiBody;
  let alert = form.querySelector(".js-form-error");
  if (!alert) {
    alert = Object.assign(document.createElement("p"), { className: "form-error js-form-error" });
    alert.setAttribute("role", "alert");
    form.prepend(alert);
  }
  alert.textContent = message;
  const name = FIELDS[kind]?.[field];
  if (name) form.elements[name]?.focus();
}

async function submit(event) {
  const form = event.target.closest("form[data-api-method]");
  if (!form || event.defaultPrevented) return;
  event.preventDefault();
  if (sending.has(form)) return; // one write per click
  const button = event.submitter ?? form.querySelector("[type=submit]");
  const { apiMethod: method, apiUrl: url, apiBody: kind, apiEtag: etag } = form.dataset;
  const body = kind ? BODIES[kind](form.elements) : undefined;
  const headers = etag ? { "If-Match": etag } : {};
  sending.add(form);
  button?.setAttribute("aria-disabled", "true"); // not disabled: the focus stays on it
  const { status, error, field } = await sendJson(method, url, body, headers);
  if (status === 412) {
    // Changed since the page was read: the view answers as without scripts (for an annotation, the
    // edit page with both versions, having saved nothing).
    form.submit();
    return;
  }
  if (error) {
    sending.delete(form);
    button?.removeAttribute("aria-disabled");
    showError(form, error, field); // what was typed stays
    return;
  }
  const next = destination(form);
  if (form.dataset.apiMessage) sayOnNextPage(next, form.dataset.apiMessage);
  goTo(next);
}

// The page is loaded anew even when only its fragment differs, which assigning alone would not do.
function goTo(url) {
  const [here, there] = [new URL(location.href), new URL(url)];
  if (here.origin + here.pathname + here.search !== there.origin + there.pathname + there.search) {
    location.assign(url);
    return;
  }
  location.hash = there.hash;
  location.reload();
}

document.addEventListener("submit", submit);
