/*
 * till.js: opens a Till checkout as a modal on any site.
 *
 *   <script src="https://till.example.com/till.js"></script>
 *   till.onModalReceiveMessage((event) => console.log(event.data.status));
 *   till.showInvoice("INVOICE_ID");
 *
 * The checkout is loaded from the origin this script came from, and only messages from that origin (and from
 * the checkout's own frame) are passed on. No build step, no dependencies.
 */
(() => {
  const script = document.currentScript;
  const tillOrigin = script?.src ? new URL(script.src, location.href).origin : location.origin;
  const listeners = { message: [], enter: [], leave: [] };
  let frame = null;
  let previousFocus = null;

  const emit = (kind, value) => {
    for (const callback of listeners[kind].slice()) {
      try {
        callback(value);
      } catch (error) {
        // One failing callback must not stop the others; the error still reaches the console.
        setTimeout(() => {
          throw error;
        });
      }
    }
  };

  const onKey = (event) => {
    if (event.key === "Escape") hideFrame();
  };

  const onMessage = (event) => {
    if (!frame || event.origin !== tillOrigin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (data?.source !== "till") return;
    emit("message", event);
    if (data.type === "close") hideFrame();
  };

  const hideFrame = () => {
    if (!frame) return;
    emit("leave");
    window.removeEventListener("message", onMessage);
    document.removeEventListener("keydown", onKey);
    frame.remove();
    frame = null;
    previousFocus?.focus?.();
  };

  const showInvoice = (invoiceId, options = {}) => {
    if (frame) hideFrame();
    emit("enter");
    previousFocus = document.activeElement;
    const url = new URL(`/i/${encodeURIComponent(invoiceId)}`, tillOrigin);
    url.searchParams.set("modal", "true");
    frame = document.createElement("iframe");
    frame.name = "till-checkout";
    frame.title = options.title || "Checkout";
    frame.src = url.toString();
    frame.setAttribute("allow", "clipboard-write");
    frame.setAttribute(
      "style",
      "position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483647;background:rgba(0,0,0,0.55)",
    );
    window.addEventListener("message", onMessage);
    document.addEventListener("keydown", onKey);
    document.body.appendChild(frame);
    frame.focus();
    return frame;
  };

  window.till = {
    origin: tillOrigin,
    showInvoice,
    hideFrame,
    onModalReceiveMessage: (callback) => listeners.message.push(callback),
    onModalWillEnter: (callback) => listeners.enter.push(callback),
    onModalWillLeave: (callback) => listeners.leave.push(callback),
  };
})();
