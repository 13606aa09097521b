/* The attachment viewer page: a PDF attachment in the webmail's one PDF viewer (pdfviewer.js),
 * fetched from this origin's attachment route. Nothing else is loaded. */
import { showPdf } from "./pdfviewer.js";

async function start() {
  const viewer = document.querySelector(".pdf-viewer[data-pdf]");
  if (!viewer) return;
  const progress = document.querySelector(".pdf-progress");
  try {
    await showPdf(viewer, viewer.dataset.pdf, {
      pageLabel: viewer.dataset.pageLabel,
      onProgress: () => { viewer.dataset.ready = "true"; },
    });
    if (progress) progress.textContent = "";
  } catch (error) {
    if (progress) progress.textContent = viewer.dataset.error;
  }
}

start();
