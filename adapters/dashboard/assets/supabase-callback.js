// Finishes a sign-in through Supabase's hosted auth. Supabase sends the
// browser back with the session in the URL fragment, which no server ever
// sees: this takes the access token out of the address (and the history),
// and posts it to the dashboard, which starts a session as the token form
// does. An error in the fragment goes to the server's query, which shows
// it on the sign-in page.

const fragment = new URLSearchParams(location.hash.slice(1));
history.replaceState(null, "", location.pathname);

const token = fragment.get("access_token");
const error = fragment.get("error");
const form = document.getElementById("supabase-form");

if (token && form) {
  form.elements.access_token.value = token;
  form.submit();
} else {
  const q = new URLSearchParams({ error: error || "no_token" });
  const desc = error ? fragment.get("error_description") : "no access token came back";
  if (desc) q.set("error_description", desc);
  location.replace(`${location.pathname}?${q}`);
}
