/* MSS webmail: the little script the pages need, without dependencies or build step.
 *
 * Every change goes through the JSON API with the page's CSRF token in X-CSRF-Token; the
 * forms carry their target in data-api. The websocket (/ws) tells open tabs that mail changed,
 * and the folder list and message list are fetched again as server-rendered HTML.
 */
"use strict";

(function () {
  const csrf = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  const announce = (text) => {
    const live = document.getElementById("live");
    if (live && text) {
      live.textContent = "";
      window.setTimeout(() => { live.textContent = text; }, 50);
    }
  };

  /* A confirmation the patient can see, and that screen readers announce: the region exists
   * from the page's start, so filling it after a short delay is read out. */
  const showToast = (text) => {
    const toast = document.getElementById("toast");
    const close = document.getElementById("toast-close");
    if (!toast || !text) return;
    toast.textContent = "";
    window.setTimeout(() => { toast.textContent = text; if (close) close.hidden = false; }, 100);
  };

  /* A success that leads to another page travels with the tab (sessionStorage), so the next
   * page shows it: the page change would otherwise wipe it before anyone saw it. */
  const FLASH = "mss-flash";
  const flash = (text) => {
    if (!text) return;
    try { window.sessionStorage.setItem(FLASH, text); } catch (error) { /* storage refused */ }
  };
  const takeFlash = () => {
    try {
      const text = window.sessionStorage.getItem(FLASH);
      window.sessionStorage.removeItem(FLASH);
      return text;
    } catch (error) {
      return null;
    }
  };

  async function api(method, url, body, contentType) {
    const headers = { "X-CSRF-Token": csrf() };
    let payload;
    if (body instanceof Blob) {
      payload = body;
      headers["Content-Type"] = contentType || "application/octet-stream";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, {
      method, headers, body: payload, credentials: "same-origin", cache: "no-store",
    });
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (!response.ok) {
      const detail = typeof data.detail === "string" ? data.detail : response.statusText;
      throw new Error(detail || String(response.status));
    }
    return data;
  }

  /* Split "a@b, \"Name, Jr\" <c@d>" at the commas outside quotes and angle brackets. */
  function splitAddresses(text) {
    const parts = [];
    let current = "", quoted = false, angle = false;
    for (const ch of text) {
      if (ch === '"') quoted = !quoted;
      if (!quoted && ch === "<") angle = true;
      if (!quoted && ch === ">") angle = false;
      if (ch === "," && !quoted && !angle) { parts.push(current.trim()); current = ""; continue; }
      current += ch;
    }
    parts.push(current.trim());
    return parts.filter((part) => part.length > 0);
  }

  function convert(element, value) {
    switch (element.dataset.type) {
      case "int": return Number.parseInt(value, 10);
      case "bool": return value === "true";
      case "json": return JSON.parse(value);
      case "list": return splitAddresses(value);
      default: return value;
    }
  }

  function formBody(form) {
    const body = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled || element.type === "file") continue;
      if (element.type === "submit" || element.type === "button") continue;
      const many = element.name.endsWith("[]");
      const name = many ? element.name.slice(0, -2) : element.name;
      if (many) {
        body[name] = body[name] || [];
        if (element.type !== "checkbox" || element.checked) {
          body[name].push(convert(element, element.value));
        }
      } else if (element.type === "checkbox") {
        body[name] = element.checked;
      } else {
        body[name] = convert(element, element.value);
      }
    }
    return body;
  }

  function fill(template, data) {
    return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(String(data[key] ?? "")));
  }

  function showError(form, message) {
    const slot = form.querySelector(".form-error");
    if (slot) slot.textContent = message;
    else announce(message);
  }

  async function submitApi(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
    event.preventDefault();
    const submitter = event.submitter || null;
    const pick = (key) => (submitter && submitter.dataset[key]) || form.dataset[key];
    if (pick("confirm") && !window.confirm(pick("confirm"))) return;
    for (const field of form.querySelectorAll("[data-match]")) {
      const other = form.querySelector("#" + field.dataset.match);
      if (other && other.value !== field.value) { showError(form, field.dataset.mismatch); return; }
    }
    showError(form, "");
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const method = pick("method") || "POST";
      const body = formBody(form);
      if (submitter && submitter.name) body[submitter.name] = submitter.value;
      const data = await api(method, pick("api"), method === "DELETE" ? undefined : body);
      if (form.dataset.show) {
        showToast(pick("done"));
        const output = form.querySelector("output");
        const shown = data[form.dataset.show];
        if (output) output.textContent = Array.isArray(shown) ? shown.join("\n") : shown || "";
        /* What was shown once (recovery codes) replaces the form that asked for it. */
        const reveal = form.querySelector("[data-reveal]");
        const conceal = form.querySelector("[data-conceal]");
        if (conceal) conceal.hidden = true;
        if (reveal) {
          reveal.hidden = false;
          const heading = reveal.querySelector("h2, h3");
          if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
        }
        /* Words about what was shown, hidden when nothing was (a choice declined). */
        form.querySelectorAll("[data-when-shown]").forEach((part) => {
          part.hidden = !output || !output.textContent;
        });
        const copy = form.querySelector("[data-copy]");
        if (copy) copy.hidden = !output || !output.textContent;
        if (form.hasAttribute("data-reset")) form.querySelectorAll("input").forEach((i) => { i.value = ""; });
        return;
      }
      if (submitter && submitter.hasAttribute("data-save-attachment")) {
        submitter.textContent = pick("done") || submitter.textContent;
        showToast(pick("done"));
        return;
      }
      flash(pick("done"));
      if (form.dataset.follow === "next" && data.next) {
        const wanted = form.dataset.next;
        window.location.assign(data.next === "/mail" && wanted ? wanted : data.next);
        return;
      }
      const next = pick("next");
      if (next) window.location.assign(fill(next, data));
      else window.location.reload();
    } catch (error) {
      showError(form, error.message);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  async function upload(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.upload) return;
    event.preventDefault();
    const file = form.querySelector('input[type="file"]').files[0];
    if (!file) return;
    const query = new URLSearchParams({ filename: file.name });
    const title = form.querySelector('[name="title"]').value.trim();
    const type = form.querySelector('[name="type"]').value;
    if (title) query.set("title", title);
    if (type) query.set("type", type);
    try {
      await api("POST", form.dataset.upload + "?" + query.toString(), file, file.type);
      flash(form.dataset.done);
      window.location.reload();
    } catch (error) {
      showError(form, error.message);
    }
  }

  async function totpSetup(button) {
    const data = await api("POST", button.dataset.setup, {});
    const form = document.getElementById("totp-confirm");
    document.getElementById("totp-qr").src = data.qr;
    document.getElementById("totp-secret").value = data.secret;
    document.getElementById("totp-secret-text").textContent = data.secret;
    form.hidden = false;
    button.hidden = true;
    form.querySelector('[name="code"]').focus();
  }

  async function markSeen(article) {
    const mailbox = article.dataset.mailbox;
    const uids = (article.dataset.seenUids || article.dataset.uid).split(" ").map(Number);
    await api("POST", `/api/mailboxes/${mailbox}/flags`, { uids, seen: true });
  }

  /* Fetch the open folder's list (or, on a message page, its folder's) and swap it in. */
  async function refreshListing() {
    const listing = document.getElementById("listing");
    const article = document.querySelector("article.message");
    const source = listing ? listing.dataset.rows
      : article ? `/mail/${article.dataset.mailbox}/rows` : null;
    if (!source) return;
    const response = await fetch(source, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of listing ? ["folders", "listing"] : ["folders"]) {
      const current = document.getElementById(id);
      const replacement = fresh.getElementById(id);
      if (!current || !replacement) continue;
      const menu = current.querySelector("button[aria-expanded]");
      const freshMenu = replacement.querySelector("button[aria-expanded]");
      if (menu && freshMenu) freshMenu.setAttribute("aria-expanded", menu.getAttribute("aria-expanded"));
      current.replaceWith(document.importNode(replacement, true));
    }
  }

  function connect(delay) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}/ws`);
    let pending = null;
    socket.addEventListener("open", () => { document.body.dataset.ws = "open"; delay = 1000; });
    socket.addEventListener("message", (event) => {
      const change = JSON.parse(event.data);
      if (change.kind === "ping") return;
      const inbox = document.querySelector('#folders a[data-role="inbox"]');
      const inboxId = inbox ? inbox.getAttribute("href").split("/").pop() : null;
      if (change.kind === "added" && String(change.mailbox_id) === inboxId) {
        announce(document.body.dataset.newMail || "");
      }
      window.clearTimeout(pending);
      pending = window.setTimeout(() => { refreshListing().catch(() => {}); }, 100);
    });
    socket.addEventListener("close", (event) => {
      document.body.dataset.ws = "closed";
      if (event.code === 4401) { window.location.assign("/login"); return; }
      window.setTimeout(() => connect(Math.min(delay * 2, 30000)), delay);
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.upload) upload(event);
    else submitApi(event);
  });

  /* After each page change the keyboard starts at the page's main heading, not at <body>;
   * a page that puts its first field in focus (autofocus) or a link to an anchor keeps its own. */
  function focusHeading() {
    if (window.location.hash || document.querySelector("[autofocus]")) return;
    const heading = document.querySelector("main h1");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }

  /* Validation bubbles in the page's language: the browser writes its own in the language of
   * its interface, whatever the page's lang, so each invalid field gets the app's message
   * (from <body data-msg-*>, or the field's own data-invalid). Typing clears it again. */
  document.addEventListener("invalid", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement
      || field instanceof HTMLSelectElement)) return;
    const says = document.body.dataset;
    const validity = field.validity;
    let text = field.dataset.invalid || says.msgInvalid || "";
    if (validity.valueMissing) text = field.type === "file" ? says.msgFile : says.msgRequired;
    else if (validity.typeMismatch) text = says.msgType;
    else if (validity.tooShort) text = (says.msgTooShort || "").replace("{min}", String(field.minLength));
    field.setCustomValidity(text || "");
  }, true);
  const clearValidity = (event) => {
    const field = event.target;
    if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement
      || field instanceof HTMLSelectElement) field.setCustomValidity("");
  };
  document.addEventListener("input", clearValidity, true);
  document.addEventListener("change", clearValidity, true);

  /* The file picker's own button and "no file chosen" are in the browser's language too: the
   * page draws its own (a label) and says which file was chosen. */
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.chosen) return;
    const slot = document.getElementById(input.dataset.chosen);
    if (slot) slot.textContent = input.files && input.files[0] ? input.files[0].name : slot.dataset.none;
  });

  /* Copy buttons: the text of the element whose id is data-copy, then a short "Copié". */
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(() => {
      announce(button.dataset.copied || "");
      const label = button.textContent;
      button.textContent = button.dataset.copied || label;
      window.setTimeout(() => { button.textContent = label; }, 2000);
    }).catch(() => {});
  });

  /* Menus that fold away on a phone: the button shows and hides what it controls (delegated,
   * since the live refresh replaces the folder list). Without script everything stays open. */
  document.documentElement.classList.add("js");
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element
      ? event.target.closest("button[aria-controls][aria-expanded]") : null;
    if (!button) return;
    button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
  });

  /* The sandboxed HTML body runs one script of ours only (its policy allows no other), which
   * reports the document's height; the frame then takes that height, so the page scrolls once. */
  window.addEventListener("message", (event) => {
    for (const frame of document.querySelectorAll("iframe.html-body")) {
      if (event.source !== frame.contentWindow) continue;
      const height = Number(event.data && event.data.mssFrameHeight);
      if (Number.isFinite(height) && height > 0) {
        frame.style.height = `${Math.min(Math.ceil(height) + 2, 200000)}px`;
        frame.dataset.sized = "true";
      }
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    focusHeading();
    showToast(takeFlash());
    const close = document.getElementById("toast-close");
    if (close) {
      close.addEventListener("click", () => {
        document.getElementById("toast").textContent = "";
        close.hidden = true;
        focusHeading();
      });
    }
    const setup = document.getElementById("totp-start");
    if (setup) setup.addEventListener("click", () => totpSetup(setup).catch((e) => announce(e.message)));
    const article = document.querySelector("article.message[data-mark-seen]");
    if (article) markSeen(article).then(refreshListing).catch(() => {});
    if (document.getElementById("folders")) connect(1000);
  });
})();
