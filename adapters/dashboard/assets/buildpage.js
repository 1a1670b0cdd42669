// The build page: its live log, and its status and steps kept current
// while the build runs (an ES module, no dependencies).
import { localizeTimes } from "/assets/app.js";
import { LogViewer } from "/assets/logviewer.js";

const summary = document.getElementById("build-summary");
const root = document.querySelector("[data-log-viewer]");

// refresh re-reads the page and swaps in its status and steps, as the
// server renders them.
async function refresh() {
  try {
    const res = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = doc.getElementById("build-summary");
    if (!fresh || !summary) return;
    // Keep focus where it was when it is inside the part being replaced.
    const focused = summary.contains(document.activeElement) ? document.activeElement.id : "";
    summary.replaceChildren(...fresh.childNodes);
    summary.dataset.status = fresh.dataset.status;
    localizeTimes(summary);
    if (focused) document.getElementById(focused)?.focus();
  } catch {
    // offline: the next refresh tries again
  }
}

if (root) {
  const viewer = new LogViewer(root);
  let timer = 0;
  if (root.dataset.ended !== "true") {
    timer = setInterval(() => {
      if (document.visibilityState === "visible") refresh();
    }, 5000);
  }
  root.addEventListener("logend", () => {
    clearInterval(timer);
    if (root.dataset.ended !== "true") refresh();
  });
  viewer.start();
  // For tests and the curious: the viewer of this page.
  root.logViewer = viewer;
}
