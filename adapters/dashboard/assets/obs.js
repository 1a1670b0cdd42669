// Observability pages (traces, logs, metrics): the filters' From and To
// are datetime-local values, which name no zone. The server reads them
// (and draws chart axes) in the zone the page names: the form's tz field,
// else the zone this module remembers in a cookie, else UTC. This module
// remembers the browser's zone and, when a page was drawn in another zone
// that the reader did not ask for (the first visit), draws it again once.

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const name = "mastra_admin_tz";

function remembered() {
  for (const part of document.cookie.split(";")) {
    const [k, v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v ?? "");
  }
  return "";
}

document.cookie = `${name}=${encodeURIComponent(zone)}; path=/; max-age=31536000; SameSite=Lax`;

const drawnIn = document.querySelector("input[data-tz]")?.value;
const asked = new URL(location.href).searchParams.has("tz");
if (drawnIn && drawnIn !== zone && !asked && remembered() === zone && sessionStorage.getItem(name) !== zone) {
  sessionStorage.setItem(name, zone); // once: never a reload loop
  location.replace(location.href);
}
