/* The webmail's one PDF viewer (signature requests now, the documents' preview next), on
 * PDF.js served from /static/pdfjs: nothing is loaded from elsewhere.
 *
 * Every page gets a placeholder of its size at once, and is drawn on a canvas when it comes
 * into view, so a long document costs only what is read. The caller learns when the last page
 * has actually been drawn in view: that is what "the whole document was shown" means.
 * Scripts, forms and XFA in the PDF are never run: only the canvas rendering of PDF.js is used.
 */
import * as pdfjs from "./pdfjs/pdf.min.mjs";

pdfjs.GlobalWorkerOptions.workerSrc = "/static/pdfjs/pdf.worker.min.mjs";

const MAX_SCALE = 2;

/**
 * Show the PDF at `url` inside `container` (a scrollable element).
 * options.pageLabel: "Page {n} / {total}" for each canvas's accessible name;
 * options.onProgress(shown, total) after each page drawn; options.onLastPage() once.
 */
export async function showPdf(container, url, options = {}) {
  const task = pdfjs.getDocument({
    url,
    withCredentials: true,
    isEvalSupported: false,
    enableXfa: false,
    disableAutoFetch: false,
  });
  const pdf = await task.promise;
  const total = pdf.numPages;
  const width = Math.max(container.clientWidth - 24, 200);
  const shown = new Set();
  let lastDone = false;
  const label = (n) => (options.pageLabel || "Page {n} / {total}")
    .replace("{n}", String(n)).replace("{total}", String(total));

  async function draw(holder, number) {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(MAX_SCALE, width / base.width);
    const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(base.width * scale)}px`;
    canvas.style.height = `${Math.floor(base.height * scale)}px`;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label(number));
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
    holder.replaceChildren(canvas);
    holder.dataset.rendered = "true";
  }

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const holder = entry.target;
      const number = Number(holder.dataset.page);
      if (shown.has(number)) continue;
      shown.add(number);
      draw(holder, number).then(() => {
        if (options.onProgress) options.onProgress(shown.size, total);
        if (number === total && !lastDone) {
          lastDone = true;
          if (options.onLastPage) options.onLastPage();
        }
      }).catch(() => { shown.delete(number); });
    }
  }, { root: container, rootMargin: "0px", threshold: 0.25 });

  for (let number = 1; number <= total; number += 1) {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(MAX_SCALE, width / base.width);
    const holder = document.createElement("div");
    holder.className = "pdf-page";
    holder.dataset.page = String(number);
    holder.style.width = `${Math.floor(base.width * scale)}px`;
    holder.style.height = `${Math.floor(base.height * scale)}px`;
    container.appendChild(holder);
    observer.observe(holder);
  }
  return { total };
}
