// A Reply link opens its form in place, under what it answers, instead of the reply page. The
// form is the list's own <template>, posted to the link's URL (which names the thread, the reply
// answered and the page to come back to) with the page's CSRF token: the list itself is cached
// for the reader, and a token belongs to one browser. Without this module the link opens the page.

let open = null; // { form, href }: the one form open, kept with its text if the list is refreshed

function close() {
  open?.form.remove();
  open = null;
}

function place(link) {
  const meta = link.closest("p");
  meta.after(open.form);
}

function openFor(link) {
  const template = link.closest(".js-annotation-slot")?.querySelector(".js-reply-template");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!template || !token) return false;
  if (open?.href === link.href && open.form.isConnected) { // a second press closes it
    close();
    return true;
  }
  if (open?.href !== link.href) {
    close();
    const form = template.content.firstElementChild.cloneNode(true);
    form.action = link.href;
    form.prepend(token.cloneNode());
    open = { form, href: link.href };
  }
  place(link);
  open.form.elements.note.focus();
  return true;
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
