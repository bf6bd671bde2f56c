/**
 * The checkout inside till.js's iframe: every status change and the close button are posted to the parent
 * page, which checks our origin before it trusts them.
 */
export const inModal = (): boolean => {
  const asked = new URLSearchParams(location.search).get("modal") === "true";
  let framed = false;
  try {
    framed = window.self !== window.top;
  } catch {
    framed = true;
  }
  return asked || framed;
};

export function postToParent(message: Record<string, unknown>): void {
  if (window.parent === window) return;
  // The data is not secret (the invoice id and its status); the parent may be any merchant site.
  window.parent.postMessage({ source: "till", ...message }, "*");
}

export const closeModal = () => postToParent({ type: "close" });
