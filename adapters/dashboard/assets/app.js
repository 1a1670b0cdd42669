// Shared behaviour of every dashboard page (an ES module, no dependencies).

// Times: the server renders <time datetime="…"> in UTC; show them in the
// viewer's time zone.
const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
export function localizeTimes(root = document) {
  for (const el of root.querySelectorAll("time[datetime]")) {
    const d = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(d.getTime())) {
      el.textContent = fmt.format(d);
      el.title = d.toISOString();
    }
  }
}

// csrfToken is the session's token for API requests made by page scripts.
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

// confirm-before-submit for forms marked data-confirm.
function confirmForms() {
  document.addEventListener("submit", (ev) => {
    const msg = ev.target?.dataset?.confirm;
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
}

localizeTimes();
confirmForms();
