/* The page's link: the URL hash holds every setting (the server writes it, the page keeps
 * the address bar equal to it); a hash typed in starts the session over from it. */

export function showLink(hash) {
  if (location.hash.slice(1) !== hash) history.replaceState(null, "", "#" + hash);
}

export function onLinkTyped(restart) {
  window.addEventListener("hashchange", () => restart(location.hash));
}

export function currentLink() { return location.hash; }
