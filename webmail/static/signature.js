/* The signing page: the whole document in the viewer; once its last page has been shown,
 * the server records "viewed" and the signing form opens. The server refuses a signature
 * before that whatever this script does: this only keeps the form honest about it. */
import { showPdf } from "./pdfviewer.js";

const csrf = () => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
};

async function recordViewed(fields) {
  const response = await fetch(fields.dataset.waitViewed, {
    method: "POST",
    headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/json" },
    body: "{}",
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!response.ok) throw new Error(String(response.status));
  fields.disabled = false;
  delete fields.dataset.waitViewed;
  const wait = document.getElementById("sign-wait");
  if (wait) wait.textContent = "";
  document.body.dataset.signatureViewed = "true";
}

async function start() {
  const viewer = document.querySelector(".pdf-viewer[data-pdf]");
  if (!viewer) return;
  const progress = document.querySelector(".pdf-progress");
  const fields = document.querySelector("fieldset[data-wait-viewed]");
  try {
    await showPdf(viewer, viewer.dataset.pdf, {
      pageLabel: viewer.dataset.pageLabel,
      onProgress: (shown, total) => {
        if (progress) {
          progress.textContent = progress.dataset.progress
            .replace("{shown}", String(shown)).replace("{total}", String(total));
        }
      },
      onLastPage: () => {
        if (fields) recordViewed(fields).catch(() => {});
      },
    });
    viewer.dataset.ready = "true";
  } catch (error) {
    if (progress) progress.textContent = viewer.dataset.error || String(error);
  }
}

start();
