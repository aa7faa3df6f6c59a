// A Reply link opens its form in place, under what it answers, instead of the reply page, and the
// reply is sent through the API; the list is then fetched again, at the new reply. The form is the
// list's own <template> (the list is cached for the reader, so it holds no CSRF token: api.js
// sends the page's). Without this module the link opens the reply page, which works without JS.

import { apiUrl, idOf, postJson } from "./api.js";
import { refreshArticle } from "./fragments.js";

// { form, href, articleId, annotationId, parentId }: the one form open, kept with its text if the
// list is refreshed. The link's URL (the reply page's) names the reply answered as ?parent=.
let open = null;

function close() {
  open?.form.remove();
  open = null;
}

function place(link) {
  const meta = link.closest("p");
  meta.after(open.form);
}

function newForm(template) {
  const form = template.content.firstElementChild.cloneNode(true);
  const errorLine = document.createElement("p");
  errorLine.className = "form-error js-form-error";
  errorLine.setAttribute("role", "alert");
  form.querySelector(".form-actions").before(errorLine);
  return form;
}

function openFor(link) {
  const slot = link.closest(".js-annotation-slot");
  const template = slot?.querySelector(".js-reply-template");
  if (!template) return false;
  if (open?.href === link.href && open.form.isConnected) { // a second press closes it
    close();
    return true;
  }
  if (open?.href !== link.href) {
    close();
    open = {
      form: newForm(template),
      href: link.href,
      articleId: slot.dataset.article,
      annotationId: link.closest("[data-annotation]").dataset.annotation,
      parentId: new URL(link.href).searchParams.get("parent"),
    };
  }
  place(link);
  open.form.elements.note.focus();
  return true;
}

async function send(event) {
  event.preventDefault();
  const { form, articleId, annotationId, parentId } = open;
  const note = { type: "TextualBody", value: form.elements.note.value, format: "text/markdown" };
  const reply = { type: "Annotation", body: note };
  if (parentId) reply.target = new URL(apiUrl("replyUrl", parentId), location.origin).href;
  const { data, error } = await postJson(apiUrl("repliesUrl", annotationId), reply);
  if (error) {
    form.querySelector(".js-form-error").textContent = error; // the form keeps what was typed
    return;
  }
  if (open?.form === form) close();
  await refreshArticle(articleId);
  location.hash = `reply-${idOf(data.id)}`;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest(".js-reply-link");
  if (link && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) && openFor(link)) {
    event.preventDefault();
  } else if (event.target.closest(".js-reply-cancel")) {
    const link = [...document.querySelectorAll(".js-reply-link")].find((each) => each.href === open?.href);
    close();
    link?.focus();
  }
});

document.addEventListener("submit", (event) => {
  if (open && event.target === open.form) send(event);
});

document.addEventListener("keydown", (event) => {
  if (!open || !open.form.contains(event.target)) return;
  if (event.key === "Escape") {
    event.preventDefault();
    open.form.querySelector(".js-reply-cancel").click();
  } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    open.form.requestSubmit();
  }
});

// When a list is fetched again (after a save, or as others write), the open form goes back under
// its link in the new list, with what the reader typed; if that link is gone, so is the form.
new MutationObserver(() => {
  if (!open || open.form.isConnected) return;
  const link = [...document.querySelectorAll(".js-annotation-slot .js-reply-link")].find((each) => each.href === open.href);
  if (link) place(link);
  else open = null;
}).observe(document.body, { childList: true, subtree: true });
