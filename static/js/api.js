// Writes through the JSON API (newsroom/api), made as any script makes them: a JSON body, and the
// session's CSRF token in a header. The page renders the API's URLs for the id 0, on the element
// marked js-api-urls (_annotation_form.html); apiUrl() puts the real id in its place.

const urls = document.querySelector(".js-api-urls")?.dataset ?? {};

// apiUrl("repliesUrl", 12): "/api/annotations/12/replies"
export function apiUrl(name, id) {
  return urls[name].replace(/\/0(?=\/|$)/, `/${id}`);
}

// The CSRF cookie is out of scripts' reach (HttpOnly): writes send the page's token. Signing in
// again (in another tab) renews the cookie, so a write refused for its token takes the token of a
// fresh copy of this page and is sent once more, unless that copy is someone else's: whoever
// signed in there would write what this page's reader typed.
const CSRF_REFUSED = "CSRF check Failed"; // django-ninja's message
const OTHER_READER = "You are signed in as someone else in another tab. Reload this page before writing.";
const reader = readerOf(document);
let csrfToken = tokenIn(document);

function tokenIn(page) {
  return page.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function readerOf(page) {
  return page.body?.dataset.reader ?? "";
}

// Whether the session still belongs to this page's reader (then with its new token).
async function renewCsrfToken() {
  const response = await fetch(location.href, { headers: { Accept: "text/html" } });
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  if (readerOf(fresh) !== reader) return false;
  csrfToken = tokenIn(fresh);
  return true;
}

// { data }: what the API made, or { error }: its message for the reader.
export async function postJson(url, body) {
  const { data, error } = await sendJson("POST", url, body);
  return error ? { error } : { data };
}

// Any write: { status, data } when it succeeded (data {} for a 204), else { status, error, field }
// with the API's message (status 0: the server was not reached).
export async function sendJson(method, url, body, headers = {}, renewed = false) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { status: 0, error: "Could not reach the server. Try again." };
  }
  const data = await response.json().catch(() => ({}));
  const { status } = response;
  if (status === 403 && data.error === CSRF_REFUSED && !renewed) {
    const sameReader = await renewCsrfToken().catch(() => true); // unreachable: the retry says so
    if (!sameReader) return { status, error: OTHER_READER };
    return sendJson(method, url, body, headers, true);
  }
  if (response.ok) return { status, data };
  // The API's own 401 speaks to scripts (tokens): a reader is told what to do instead.
  if (status === 401) return { status, error: "You are signed out. Sign in again in another tab, then save." };
  return { status, error: data.error ?? "Something went wrong. Try again.", field: data.field };
}

// The id at the end of an IRI the API gave: ".../api/annotations/12" → "12".
export function idOf(iri) {
  return iri.split("/").pop();
}

// A write's message for the page it leads to, said there as the server says its own (base.html's
// messages): the reading pages load this module.
const MESSAGE_KEY = "api-message";

function withoutHash(url) {
  return url.split("#")[0];
}

export function sayOnNextPage(url, text) {
  sessionStorage.setItem(MESSAGE_KEY, JSON.stringify({ page: withoutHash(url), text }));
}

function sayPendingMessage() {
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(MESSAGE_KEY));
  } catch {
    // not ours
  }
  sessionStorage.removeItem(MESSAGE_KEY); // for the next page only
  const main = document.querySelector("main");
  if (!pending?.text || !main || pending.page !== withoutHash(location.href)) return;
  let list = main.querySelector(".messages");
  if (!list) {
    list = Object.assign(document.createElement("ul"), { className: "messages" });
    list.setAttribute("role", "status");
    main.prepend(list);
  }
  const item = Object.assign(document.createElement("li"), { className: "message message-success" });
  item.textContent = pending.text;
  list.append(item);
}

sayPendingMessage();
